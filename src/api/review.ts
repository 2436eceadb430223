/**
 * Review: a person turns a document's result into a record they sign. GET /v1/documents/:id/record is
 * the record with each mention's review state and its ETag; its revisions and the model's result it
 * is built on are beside it. Every correction (PATCH and POST .../mentions, .../record/confirm,
 * .../entities/merge and split) names the ETag it was made on in If-Match: without one it is refused
 * (428), with a stale one too (412), so that two editors never overwrite each other unknowingly. The
 * corrections themselves are in review/corrections.ts.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Principal } from "../auth/authenticator.js";
import { type ErrorCode, PalimpsestError } from "../errors.js";
import type { Correction, CorrectionContext } from "../review/corrections.js";
import {
  addMention,
  confirmMentions,
  mergeEntities,
  patchMention,
  splitEntity,
} from "../review/corrections.js";
import { type LoadedRecord, Reviews, revisionView } from "../review/records.js";
import { refTo } from "../schemas/builders.js";
import { Extraction } from "../schemas/extraction.js";
import { IdParams } from "../schemas/requests.js";
import {
  ConfirmRequest,
  MentionParams,
  MentionPatch,
  MergeRequest,
  NewMention,
  RecordQuery,
  type ReviewedMention,
  ReviewQuery,
  ReviewRecord,
  RevisionList,
  SplitRequest,
} from "../schemas/review.js";
import type { Services } from "../services.js";
import { plainJson } from "./docs.js";
import { latestResult } from "./latest-result.js";
import { caller } from "./plugins/authentication.js";
import { recordLink, recordView } from "./review-view.js";

/** What the review routes read of a request (each route's schema types it further). */
interface RecordRequest {
  params: { id: string };
  query: { profile?: string };
  body: { editor?: string; note?: string };
}

/** What every correction can be refused for, beside its own errors. */
const CORRECTION_ERRORS = [
  "NOT_FOUND",
  "IF_MATCH_REQUIRED",
  "RECORD_CHANGED",
  "UNKNOWN_MENTION",
  "INVALID_CORRECTION",
] as const satisfies readonly ErrorCode[];

const IF_MATCH = {
  type: "object",
  properties: {
    "if-match": {
      type: "string",
      description: "The record's ETag (GET .../record), as received: the correction applies only to it.",
    },
  },
} as const;

export async function reviewRoutes(fastify: FastifyInstance, services: Services): Promise<void> {
  const { store } = services;
  const reviews = new Reviews(store, services.profiles);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const recordOf = async (request: FastifyRequest) => {
    const { params, query } = request as unknown as RecordRequest;
    return reviews.load(await latestResult(store, params.id, caller(request).tenant, query.profile));
  };

  /** Loads the record, checks If-Match, applies the correction and answers the new record. */
  async function correct(
    request: FastifyRequest,
    reply: FastifyReply,
    apply: (mentions: readonly ReviewedMention[], context: CorrectionContext) => Correction,
  ) {
    const record = await recordOf(request);
    const ifMatch = request.headers["if-match"];
    if (ifMatch === undefined)
      throw conflict(
        "IF_MATCH_REQUIRED",
        record,
        `A correction names the record's version it was made on: send the header If-Match: ${record.etag} (the ETag of GET ${recordLink(record.result.documentId, record.result.profile)}).`,
      );
    if (!etagMatches(ifMatch, record.etag)) throw changed(record, ifMatch);
    const { body } = request as unknown as RecordRequest;
    const editor = body.editor ?? (await editorOf(caller(request)));
    const saved = await reviews.correct(record, { editor, ...(body.note ? { note: body.note } : {}) }, apply);
    if (!saved) throw changed(await recordOf(request), ifMatch);
    reply.header("etag", saved.record.etag);
    return {
      ...recordView(saved.record, { text: false }),
      change: revisionView(saved.change, saved.record.result.id),
    };
  }

  /** The API key's name, else its id; "anonymous" in open mode. */
  async function editorOf(principal: Principal): Promise<string> {
    if (principal.keyId === undefined) return "anonymous";
    return (await store.getKey(principal.keyId))?.name ?? principal.keyId;
  }

  const correctionSchema = (operationId: string, summary: string, description: string) => ({
    operationId,
    tags: ["review"],
    summary,
    description: `${description} Needs If-Match: the record's ETag. Answers the new record (without its text), its ETag, and the revision made (\`change\`).`,
    headers: IF_MATCH,
    querystring: ReviewQuery,
    response: { 200: refTo(ReviewRecord) },
  });

  app.get(
    "/v1/documents/:id/record",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getDocumentRecord",
        tags: ["review"],
        summary:
          "The document's reviewed record: each mention with its review state, the ETag to correct it with",
        description:
          "Before the first correction, the latest result with every mention unreviewed (revision 0). A model result made after the record began is listed under `newerResult` with its differences; it never replaces the corrections.",
        params: IdParams,
        querystring: RecordQuery,
        response: { 200: refTo(ReviewRecord) },
        errorCodes: ["NOT_FOUND"],
      },
      serializerCompiler: plainJson,
    },
    async (request, reply) => {
      const record = await recordOf(request);
      reply.header("etag", record.etag);
      return recordView(record, { text: request.query.text });
    },
  );

  app.get(
    "/v1/documents/:id/record/revisions",
    {
      config: { access: "reader" },
      schema: {
        operationId: "listRecordRevisions",
        tags: ["review"],
        summary: "The record's revisions, oldest first: who changed what, when, and from what",
        params: IdParams,
        querystring: ReviewQuery,
        response: { 200: refTo(RevisionList) },
        errorCodes: ["NOT_FOUND"],
      },
      serializerCompiler: plainJson,
    },
    async (request) => ({ revisions: await reviews.revisions(await recordOf(request)) }),
  );

  app.get(
    "/v1/documents/:id/record/original",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getRecordOriginal",
        tags: ["review"],
        summary: "The model's result the record is built on, as the model gave it",
        params: IdParams,
        querystring: ReviewQuery,
        response: {
          200: {
            description: "The Extraction, as stored (sent as it is, not parsed and serialised again).",
            content: { "application/json": { schema: { allOf: [refTo(Extraction)] } } },
          },
        },
        errorCodes: ["NOT_FOUND"],
      },
      serializerCompiler: plainJson,
    },
    async (request, reply) =>
      reply.type("application/json; charset=utf-8").send((await recordOf(request)).result.extraction),
  );

  app.patch(
    "/v1/documents/:id/mentions/:mention",
    {
      config: { access: "submitter" },
      schema: {
        ...correctionSchema(
          "correctMention",
          "Confirm, reject or correct a mention (type, boundaries, attributes, entity)",
          'review "confirmed" confirms (a rejected mention comes back), "rejected" rejects; a type, start and end (code points), attributes or entity corrects it.',
        ),
        params: MentionParams,
        body: MentionPatch,
        errorCodes: [...CORRECTION_ERRORS, "INVALID_OFFSETS"],
      },
      serializerCompiler: plainJson,
    },
    async (request, reply) =>
      correct(request, reply, (mentions, context) =>
        patchMention(mentions, request.params.mention, request.body, context),
      ),
  );

  app.post(
    "/v1/documents/:id/mentions",
    {
      config: { access: "submitter" },
      schema: {
        ...correctionSchema(
          "addMention",
          "Add a mention the model missed",
          "The mention gets the id aN and the state added; it joins `entity` when named (of its type), else an entity of its own.",
        ),
        params: IdParams,
        body: NewMention,
        response: { 201: refTo(ReviewRecord) },
        errorCodes: [...CORRECTION_ERRORS, "INVALID_OFFSETS"],
      },
      serializerCompiler: plainJson,
    },
    async (request, reply) => {
      const answer = await correct(request, reply, (mentions, context) =>
        addMention(mentions, request.body, context),
      );
      return reply.code(201).header("location", recordLink(request.params.id, answer.profile)).send(answer);
    },
  );

  app.post(
    "/v1/documents/:id/record/confirm",
    {
      config: { access: "submitter" },
      schema: {
        ...correctionSchema(
          "confirmMentions",
          "Confirm mentions in one revision (every unreviewed one when none is named)",
          "On a document the model found nothing in, the first confirmation marks it reviewed.",
        ),
        params: IdParams,
        body: ConfirmRequest,
        errorCodes: CORRECTION_ERRORS,
      },
      serializerCompiler: plainJson,
    },
    async (request, reply) =>
      correct(request, reply, (mentions, context) =>
        confirmMentions(mentions, request.body.mentions, context),
      ),
  );

  app.post(
    "/v1/documents/:id/entities/merge",
    {
      config: { access: "submitter" },
      schema: {
        ...correctionSchema(
          "mergeEntities",
          "Merge entities: their mentions become the first one's",
          "The entities must be of one type.",
        ),
        params: IdParams,
        body: MergeRequest,
        errorCodes: CORRECTION_ERRORS,
      },
      serializerCompiler: plainJson,
    },
    async (request, reply) =>
      correct(request, reply, (mentions, context) => mergeEntities(mentions, request.body.entities, context)),
  );

  app.post(
    "/v1/documents/:id/entities/split",
    {
      config: { access: "submitter" },
      schema: {
        ...correctionSchema(
          "splitEntity",
          "Split an entity: the mentions named become an entity of their own",
          "The mentions must be of one entity, and not all of it.",
        ),
        params: IdParams,
        body: SplitRequest,
        errorCodes: CORRECTION_ERRORS,
      },
      serializerCompiler: plainJson,
    },
    async (request, reply) =>
      correct(request, reply, (mentions, context) => splitEntity(mentions, request.body.mentions, context)),
  );
}

/** If-Match compares strongly (RFC 9110, 13.1.1): a weak tag never matches; `*` matches any version. */
function etagMatches(header: string, etag: string): boolean {
  return header.split(",").some((tag) => tag.trim() === "*" || tag.trim() === etag);
}

function changed(current: LoadedRecord, sent: string): PalimpsestError {
  return conflict(
    "RECORD_CHANGED",
    current,
    `The record changed since ${sent} (it is at revision ${current.revision}, ETag ${current.etag}): someone else corrected it meanwhile. Read it again (it is in this error's \`record\`), then make the correction anew with If-Match: ${current.etag}.`,
  );
}

/** 412 or 428, with the record as it now is, so that the editor can see what changed. */
function conflict(code: "IF_MATCH_REQUIRED" | "RECORD_CHANGED", current: LoadedRecord, message: string) {
  return new PalimpsestError(code, message, {
    details: { etag: current.etag, revision: current.revision, record: recordView(current, { text: false }) },
  });
}
