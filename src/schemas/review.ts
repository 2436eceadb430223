/**
 * Review: the record a person makes of a document's result. The model's result stays as it was; the
 * record is its copy that people correct, one revision per change, each mention with its review state.
 * Offsets are Unicode code points, half-open [start, end), into the result's `text` (as everywhere).
 */
import { type Static, Type } from "typebox";
import { count, dateTime, link, refTo, stringEnum } from "./builders.js";
import { EXPORTED_REVIEW_STATES, Mention } from "./extraction.js";

/**
 * A mention's review state: unreviewed, as the model gave it and nobody looked; confirmed, a person
 * agreed; corrected, a person changed its type, attributes, boundaries or entity; added, a person
 * marked it where the model missed it; rejected, a person said it is not a mention (left out of exports).
 */
export const REVIEW_STATES = [...EXPORTED_REVIEW_STATES, "rejected"] as const;

/**
 * A document's review as a whole: unreviewed, no mention reviewed yet; in-progress, some reviewed and
 * some not; reviewed, none left unreviewed (a document without mentions once a person confirmed it).
 */
export const DOCUMENT_REVIEW_STATES = ["unreviewed", "in-progress", "reviewed"] as const;

/** What a revision did. */
export const CHANGE_KINDS = ["confirm", "reject", "correct", "add", "merge", "split"] as const;

export const ReviewProgress = Type.Object(
  {
    state: stringEnum(DOCUMENT_REVIEW_STATES),
    total: count("Mentions in the record, rejected ones included."),
    unreviewed: count(),
    confirmed: count(),
    corrected: count(),
    added: count(),
    rejected: count(),
    documents: Type.Optional(
      Type.Object(
        { unreviewed: count(), "in-progress": count(), reviewed: count() },
        { description: "Of a job: its documents done, by review state." },
      ),
    ),
  },
  { $id: "ReviewProgress", description: "How far the review of a document (or of a job's documents) is." },
);

/** A mention as the model gave it, kept beside a corrected one. */
export const MentionOriginal = Type.Object(
  {
    type: Type.String(),
    start: count(),
    end: count(),
    text: Type.String(),
    entity: Type.String(),
    attributes: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: "MentionOriginal", description: "A mention as the model's result has it." },
);

export const ReviewedMention = Type.Object(
  {
    ...Mention.properties,
    review: stringEnum(REVIEW_STATES),
    reviewedBy: Type.Optional(Type.String({ description: "Who last changed the mention's review state." })),
    reviewedAt: Type.Optional(dateTime()),
    revision: Type.Optional(count("The revision that last changed it.")),
    original: Type.Optional(
      refTo(MentionOriginal, {
        description: "Of a model mention a person reviewed: what the model gave (absent on added mentions).",
      }),
    ),
  },
  {
    $id: "ReviewedMention",
    description:
      "A mention of the record with its review state. Ids are stable across revisions: the model's are m1, m2...; mentions a person added are a1, a2...",
  },
);

/** One mention's part in a change: what it was before (absent when added) and after (absent never). */
export const MentionChange = Type.Object(
  {
    mention: Type.String(),
    before: Type.Optional(refTo(ReviewedMention)),
    after: refTo(ReviewedMention),
  },
  { $id: "MentionChange" },
);

export const Revision = Type.Object(
  {
    revision: Type.Integer({ minimum: 1 }),
    etag: Type.String({ description: "The record's ETag right after this revision." }),
    editor: Type.String(),
    at: dateTime(),
    kind: stringEnum(CHANGE_KINDS),
    note: Type.Optional(Type.String({ description: "The editor's comment, when one was given." })),
    changes: Type.Array(refTo(MentionChange)),
  },
  { $id: "Revision", description: "One change to the record: who, when, what, and from what." },
);

export const ResultDifference = Type.Object(
  {
    kind: stringEnum(["added", "removed", "changed"], {
      description:
        "added: the newer result has a mention on offsets where the record's result has none; removed: the other way round; changed: same offsets, another type or other attributes (entity ids are not compared: each run numbers its own).",
    }),
    before: Type.Optional(refTo(MentionOriginal, { description: "In the result the record is built on." })),
    after: Type.Optional(refTo(MentionOriginal, { description: "In the newer result." })),
  },
  { $id: "ResultDifference" },
);

export const ReviewRecord = Type.Object(
  {
    document: Type.String(),
    profile: Type.String(),
    revision: count("0 until the first correction."),
    etag: Type.String({ description: "Send it as If-Match with a correction (it is the ETag header too)." }),
    updatedAt: Type.Optional(dateTime("When the last revision was made.")),
    progress: refTo(ReviewProgress),
    result: Type.Object(
      { id: Type.Integer(), createdAt: dateTime(), model: Type.String() },
      { description: "The model result the record is built on." },
    ),
    newerResult: Type.Optional(
      Type.Object(
        {
          id: Type.Integer(),
          createdAt: dateTime(),
          model: Type.String(),
          differences: Type.Array(refTo(ResultDifference)),
        },
        {
          description:
            "A model result made after the record began (a job run again): kept beside the corrections, which it never overwrites; its differences from the record's result.",
        },
      ),
    ),
    change: Type.Optional(
      refTo(Revision, { description: "In a correction's answer: the revision it made." }),
    ),
    text: Type.Optional(
      Type.String({
        description: "The result's text (left out with text=false, and in corrections' answers).",
      }),
    ),
    mentions: Type.Array(refTo(ReviewedMention), {
      description: "In reading order, rejected ones included.",
    }),
    links: Type.Object({ self: link(), revisions: link(), original: link(), entities: link() }),
  },
  {
    $id: "ReviewRecord",
    description: "A document's reviewed record for one profile: its mentions with their review states.",
  },
);

export const RevisionList = Type.Object({ revisions: Type.Array(refTo(Revision)) }, { $id: "RevisionList" });

// Requests

const editor = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 200,
    description: "Who makes the change; the API key's name (or id) when absent.",
  }),
);
const note = Type.Optional(
  Type.String({ maxLength: 2000, description: "A comment kept with the revision." }),
);
const attributes = Type.Record(Type.String(), Type.Unknown(), {
  description: "The profile's other fields of the item (they replace the mention's attributes).",
});
const offsets = {
  start: count("Code points, into the result's text."),
  end: count("Code points, exclusive."),
  text: Type.Optional(
    Type.String({
      description: "When given, must equal the text between start and end: a check of the offsets.",
    }),
  ),
};

export const ReviewQuery = Type.Object({
  profile: Type.Optional(
    Type.String({ description: "The record of this profile (of the latest result when absent)." }),
  ),
});

export const RecordQuery = Type.Object({
  ...ReviewQuery.properties,
  text: Type.Boolean({ default: true, description: "false leaves the text out." }),
});

export const MentionParams = Type.Object({ id: Type.String(), mention: Type.String() });

export const MentionPatch = Type.Object(
  {
    editor,
    note,
    review: Type.Optional(
      stringEnum(["confirmed", "rejected"], {
        description: "confirmed: agree (a rejected mention comes back); rejected: not a mention.",
      }),
    ),
    type: Type.Optional(Type.String({ minLength: 1 })),
    start: Type.Optional(offsets.start),
    end: Type.Optional(offsets.end),
    text: offsets.text,
    attributes: Type.Optional(attributes),
    entity: Type.Optional(Type.String({ minLength: 1, description: "Move the mention to this entity." })),
  },
  {
    additionalProperties: false,
    description: "Any change of type, offsets, attributes or entity corrects it.",
  },
);

export const NewMention = Type.Object(
  {
    editor,
    note,
    type: Type.String({ minLength: 1 }),
    ...offsets,
    attributes: Type.Optional(attributes),
    entity: Type.Optional(
      Type.String({ minLength: 1, description: "Join this entity; a new one when absent." }),
    ),
  },
  { additionalProperties: false },
);

export const ConfirmRequest = Type.Object(
  {
    editor,
    note,
    mentions: Type.Optional(
      Type.Array(Type.String(), {
        maxItems: 100_000,
        description: "These mentions; every unreviewed one when absent.",
      }),
    ),
  },
  { additionalProperties: false },
);

export const MergeRequest = Type.Object(
  {
    editor,
    note,
    entities: Type.Array(Type.String(), {
      minItems: 2,
      maxItems: 1000,
      description: "Entity ids of one type; their mentions become the first one's.",
    }),
  },
  { additionalProperties: false },
);

export const SplitRequest = Type.Object(
  {
    editor,
    note,
    mentions: Type.Array(Type.String(), {
      minItems: 1,
      maxItems: 100_000,
      description: "Mentions of one entity (not all of them) that become an entity of their own.",
    }),
  },
  { additionalProperties: false },
);

export type ReviewState = (typeof REVIEW_STATES)[number];
export type DocumentReviewState = (typeof DOCUMENT_REVIEW_STATES)[number];
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export type ReviewProgress = Static<typeof ReviewProgress>;
export type MentionOriginal = Static<typeof MentionOriginal>;
export type ReviewedMention = Static<typeof ReviewedMention>;
export type MentionChange = Static<typeof MentionChange>;
export type Revision = Static<typeof Revision>;
export type ResultDifference = Static<typeof ResultDifference>;
export type ReviewRecord = Static<typeof ReviewRecord>;
export type RevisionList = Static<typeof RevisionList>;
export type MentionPatch = Static<typeof MentionPatch>;
export type NewMention = Static<typeof NewMention>;
export type ConfirmRequest = Static<typeof ConfirmRequest>;
export type MergeRequest = Static<typeof MergeRequest>;
export type SplitRequest = Static<typeof SplitRequest>;
