/**
 * The corrections a person makes to a record, each a pure function from the record's mentions to
 * the next revision's: confirm or reject a mention, correct its type, boundaries, attributes or
 * entity, add one the model missed, merge entities, split one. A correction that names an unknown
 * mention, gives offsets that do not fit the text, or changes nothing is refused (errors.ts).
 */
import { PalimpsestError } from "../errors.js";
import type { Extraction } from "../pipeline/extraction.js";
import type { Profile } from "../profiles/profile.js";
import type {
  ChangeKind,
  MentionChange,
  MentionPatch,
  NewMention,
  ReviewedMention,
} from "../schemas/review.js";
import { entityType, newEntityId, renameEntities } from "./entities.js";
import type { ReviewText } from "./offsets.js";
import { placeRange } from "./placement.js";
import { acceptedState, canonical, inReadingOrder, touched } from "./record.js";

export interface CorrectionContext {
  /** The model result the record is built on. */
  extraction: Extraction;
  text: ReviewText;
  /** The record's profile, to check types and attributes against; undefined for a profile no longer known. */
  profile?: Profile;
  editor: string;
  /** When, in milliseconds since the epoch. */
  at: number;
  /** The revision the correction makes. */
  revision: number;
}

export interface Correction {
  kind: ChangeKind;
  mentions: ReviewedMention[];
  changes: MentionChange[];
}

/** Fields that move a mention: its type, place, attributes or entity. */
const SHAPE = ["type", "start", "end", "text", "attributes", "entity"] as const;

export function patchMention(
  mentions: readonly ReviewedMention[],
  id: string,
  patch: MentionPatch,
  context: CorrectionContext,
): Correction {
  const current = find(mentions, id);
  const reshaped = SHAPE.some((field) => patch[field] !== undefined);
  if (patch.review === "rejected" && reshaped)
    throw invalid("A rejected mention is not corrected too: send the rejection alone.");
  if (!reshaped && patch.review === undefined)
    throw invalid('Nothing to change: send "review", "type", "start" and "end", "attributes" or "entity".');
  let next = touched(current);
  if (patch.start !== undefined || patch.end !== undefined || patch.text !== undefined)
    next = placed(next, patch.start ?? current.start, patch.end ?? current.end, patch.text, context);
  if (patch.type !== undefined) next = { ...next, type: patch.type };
  if (patch.attributes !== undefined) next = { ...next, attributes: patch.attributes };
  if (patch.entity !== undefined) next = { ...next, entity: joinable(mentions, patch.entity, next) };
  else if (next.type !== current.type) next = { ...next, entity: newEntityId(mentions, next.type) };
  if (reshaped) {
    checkItem(next, context.profile);
    checkUnique(mentions, next);
  }
  next = { ...next, review: patch.review === "rejected" ? "rejected" : acceptedState(next) };
  if (sameMention(current, next)) throw invalid(`Mention ${id} is already so: nothing changes.`);
  const kind: ChangeKind = patch.review === "rejected" ? "reject" : reshaped ? "correct" : "confirm";
  return settle(kind, mentions, [stamp(next, context)]);
}

export function addMention(
  mentions: readonly ReviewedMention[],
  body: NewMention,
  context: CorrectionContext,
): Correction {
  const text = context.text.slice(body.start, body.end, body.text);
  const draft: ReviewedMention = {
    id: nextAddedId(mentions),
    entity: "",
    entityName: text,
    type: body.type,
    start: body.start,
    end: body.end,
    text,
    ...placeRange(context.extraction, context.text, body.start),
    alignment: "exact",
    attributes: body.attributes ?? {},
    review: "added",
  };
  const mention = {
    ...draft,
    entity:
      body.entity === undefined ? newEntityId(mentions, body.type) : joinable(mentions, body.entity, draft),
  };
  checkItem(mention, context.profile);
  checkUnique(mentions, mention);
  return settle("add", mentions, [stamp(mention, context)]);
}

/**
 * Confirms the mentions named (every unreviewed one when none is named). Confirming nothing is refused
 * but for a record's first revision: a person confirming a document the model found nothing in.
 */
export function confirmMentions(
  mentions: readonly ReviewedMention[],
  ids: readonly string[] | undefined,
  context: CorrectionContext,
): Correction {
  const chosen = ids
    ? [...new Set(ids)].map((id) => find(mentions, id))
    : mentions.filter((mention) => mention.review === "unreviewed");
  const changed = chosen.flatMap((mention) => {
    const next = touched(mention);
    const review = acceptedState(next);
    return review === mention.review ? [] : [stamp({ ...next, review }, context)];
  });
  if (changed.length === 0 && context.revision > 1)
    throw invalid("Nothing to confirm: the mentions named are confirmed, corrected or added already.");
  return settle("confirm", mentions, changed);
}

/** The mentions of every entity named become the first one's; all must be of one type. */
export function mergeEntities(
  mentions: readonly ReviewedMention[],
  entities: readonly string[],
  context: CorrectionContext,
): Correction {
  const named = [...new Set(entities)];
  if (named.length < 2) throw invalid("A merge needs two entities or more, each named once.");
  const types = named.map((entity) => {
    const type = entityType(mentions, entity);
    if (type === undefined) throw unknown(`There is no entity ${entity} in this record.`);
    return type;
  });
  if (new Set(types).size > 1)
    throw invalid(
      `Entities of different types are not merged (${named.map((e, i) => `${e}: ${types[i]}`).join(", ")}): correct the mentions' type first.`,
    );
  const [into, ...others] = named as [string, ...string[]];
  const changed = mentions
    .filter((mention) => others.includes(mention.entity))
    .map((mention) => moved(mention, into, context));
  return settle("merge", mentions, changed);
}

/** The mentions named, all of one entity but not the whole of it, become an entity of their own. */
export function splitEntity(
  mentions: readonly ReviewedMention[],
  ids: readonly string[],
  context: CorrectionContext,
): Correction {
  const chosen = [...new Set(ids)].map((id) => find(mentions, id));
  const entities = new Set(chosen.map((mention) => mention.entity));
  const [entity] = entities;
  if (entities.size !== 1 || entity === undefined)
    throw invalid(
      `The mentions to split off belong to ${entities.size} entities (${[...entities].join(", ")}): name mentions of one.`,
    );
  const members = mentions.filter((mention) => mention.entity === entity).length;
  if (chosen.length === members)
    throw invalid(`These are all the mentions of ${entity}: name only those that stand for another entity.`);
  const into = newEntityId(mentions, (chosen[0] as ReviewedMention).type);
  return settle(
    "split",
    mentions,
    chosen.map((mention) => moved(mention, into, context)),
  );
}

/** The record after the changed mentions replace theirs: entities renamed, in reading order. */
function settle(
  kind: ChangeKind,
  mentions: readonly ReviewedMention[],
  changed: ReviewedMention[],
): Correction {
  const byId = new Map(changed.map((mention) => [mention.id, mention]));
  const before = new Map(mentions.map((mention) => [mention.id, mention]));
  const known = mentions.map((mention) => byId.get(mention.id) ?? mention);
  const added = changed.filter((mention) => !before.has(mention.id));
  const next = inReadingOrder(renameEntities([...known, ...added]));
  const after = new Map(next.map((mention) => [mention.id, mention]));
  return {
    kind,
    mentions: next,
    changes: changed.map((mention) => {
      const was = before.get(mention.id);
      return {
        mention: mention.id,
        ...(was ? { before: was } : {}),
        after: after.get(mention.id) ?? mention,
      };
    }),
  };
}

function moved(mention: ReviewedMention, entity: string, context: CorrectionContext): ReviewedMention {
  const next = { ...touched(mention), entity };
  return stamp(mention.review === "rejected" ? next : { ...next, review: acceptedState(next) }, context);
}

/** The mention on [start, end): its text, page and line; what the model's citation said no longer holds. */
function placed(
  mention: ReviewedMention,
  start: number,
  end: number,
  expected: string | undefined,
  context: CorrectionContext,
): ReviewedMention {
  const text = context.text.slice(start, end, expected);
  if (start === mention.start && end === mention.end) return mention;
  const {
    modelText: _modelText,
    editDistance: _editDistance,
    differences: _differences,
    nearMiss: _nearMiss,
    bbox: _bbox,
    confidence: _confidence,
    lowConfidence: _lowConfidence,
    ...kept
  } = mention;
  return {
    ...kept,
    start,
    end,
    text,
    ...placeRange(context.extraction, context.text, start),
    alignment: "exact",
  };
}

function stamp(mention: ReviewedMention, context: CorrectionContext): ReviewedMention {
  return {
    ...mention,
    reviewedBy: context.editor,
    reviewedAt: new Date(context.at).toISOString(),
    revision: context.revision,
  };
}

/** The entity a mention may join: one that exists, of the mention's type. */
function joinable(mentions: readonly ReviewedMention[], entity: string, mention: ReviewedMention): string {
  const others = mentions.filter((other) => other.id !== mention.id);
  const type = entityType(others, entity);
  if (type === undefined) throw unknown(`There is no entity ${entity} in this record.`);
  if (type !== mention.type)
    throw invalid(`Entity ${entity} is a ${type}; a ${mention.type} mention cannot join it.`);
  return entity;
}

function checkItem(mention: ReviewedMention, profile: Profile | undefined): void {
  if (!profile) return;
  if (profile.itemTypes.length > 0 && !profile.itemTypes.includes(mention.type))
    throw invalid(
      `Profile "${profile.name}" has no type "${mention.type}": use one of ${profile.itemTypes.join(", ")}.`,
      { types: profile.itemTypes },
    );
  const problems = profile.validateItem({ ...mention.attributes, type: mention.type, text: mention.text });
  if (problems.length > 0)
    throw invalid(`Profile "${profile.name}" refuses the mention: ${problems.join("; ")}`, { problems });
}

/** Two mentions of one type on the same text are one too many. */
function checkUnique(mentions: readonly ReviewedMention[], mention: ReviewedMention): void {
  const twin = mentions.find(
    (other) =>
      other.id !== mention.id &&
      other.type === mention.type &&
      other.start === mention.start &&
      other.end === mention.end,
  );
  if (!twin) return;
  throw invalid(
    twin.review === "rejected"
      ? `Mention ${twin.id} is this ${mention.type} already, rejected: confirm it instead.`
      : `Mention ${twin.id} is this ${mention.type} already.`,
    { mention: twin.id },
  );
}

function sameMention(a: ReviewedMention, b: ReviewedMention): boolean {
  const shape = ({ type, start, end, entity, attributes, review }: ReviewedMention) =>
    canonical({ type, start, end, entity, attributes, review });
  return shape(a) === shape(b);
}

function nextAddedId(mentions: readonly ReviewedMention[]): string {
  let highest = 0;
  for (const { id } of mentions) {
    const n = /^a(\d+)$/.exec(id)?.[1];
    if (n !== undefined) highest = Math.max(highest, Number(n));
  }
  return `a${highest + 1}`;
}

function find(mentions: readonly ReviewedMention[], id: string): ReviewedMention {
  const mention = mentions.find((candidate) => candidate.id === id);
  if (!mention) throw unknown(`There is no mention ${id} in this record.`);
  return mention;
}

function invalid(message: string, details?: Record<string, unknown>): PalimpsestError {
  return new PalimpsestError("INVALID_CORRECTION", message, details ? { details } : undefined);
}

function unknown(message: string): PalimpsestError {
  return new PalimpsestError("UNKNOWN_MENTION", message);
}
