/**
 * The review record of a document and its corrections (GET /v1/documents/:id/record, PATCH and POST
 * on its mentions and entities). Every correction names the record's ETag in If-Match: when someone
 * else changed the record meanwhile, the API refuses it (412) and RecordChanged carries the record as
 * it is now, with who changed it.
 */

import type {
  MentionPatch,
  NewMention,
  ReviewedMention,
  ReviewRecord,
  Revision,
} from "../../src/schemas/review.js";
import { send } from "./api.js";
import type { ApiError } from "./api-error.js";

export type {
  DocumentReviewState,
  ReviewedMention,
  ReviewProgress,
  ReviewRecord,
  ReviewState,
  Revision,
} from "../../src/schemas/review.js";

/** A record and the ETag to send with the next correction. */
export interface Versioned {
  record: ReviewRecord;
  etag: string;
}

/** The refusal of a correction made on an older version of the record. */
export class RecordChanged extends Error {
  constructor(
    message: string,
    /** The record as it is now (without its text), and its ETag. */
    readonly current: Versioned | undefined,
  ) {
    super(message);
  }
}

const at = encodeURIComponent;
const withProfile = (path: string, profile: string, extra: Record<string, string> = {}) =>
  `${path}?${new URLSearchParams({ profile, ...extra })}`;

export async function getRecord(id: string, profile: string): Promise<Versioned> {
  let etag = "";
  const record = await send<ReviewRecord>(
    withProfile(`/v1/documents/${at(id)}/record`, profile, { text: "false" }),
    {},
    (response) => {
      etag = response.headers.get("etag") ?? "";
    },
  );
  return { record, etag: etag || record.etag };
}

export const getRevisions = (id: string, profile: string) =>
  send<{ revisions: Revision[] }>(withProfile(`/v1/documents/${at(id)}/record/revisions`, profile));

export const originalUrl = (id: string, profile: string) =>
  withProfile(`/v1/documents/${at(id)}/record/original`, profile);

/** Who makes the changes, and why, as the history keeps them. */
export interface Signature {
  editor?: string;
  note?: string;
}

/** One correction: its method, path and body. */
export type Correction =
  | { method: "PATCH"; path: string; body: MentionPatch }
  | { method: "POST"; path: string; body: NewMention | Record<string, unknown> };

export const corrections = {
  patch: (id: string, mention: string, body: MentionPatch): Correction => ({
    method: "PATCH",
    path: `/v1/documents/${at(id)}/mentions/${at(mention)}`,
    body,
  }),
  add: (id: string, body: NewMention): Correction => ({
    method: "POST",
    path: `/v1/documents/${at(id)}/mentions`,
    body,
  }),
  merge: (id: string, entities: string[]): Correction => ({
    method: "POST",
    path: `/v1/documents/${at(id)}/entities/merge`,
    body: { entities },
  }),
  split: (id: string, mentions: string[]): Correction => ({
    method: "POST",
    path: `/v1/documents/${at(id)}/entities/split`,
    body: { mentions },
  }),
};

/** Sends a correction made on the record of `etag`; answers the record after it. */
export async function correct(
  profile: string,
  etag: string,
  correction: Correction,
  signature: Signature,
): Promise<Versioned & { change?: Revision }> {
  let next = "";
  try {
    const record = await send<ReviewRecord & { change?: Revision }>(
      withProfile(correction.path, profile),
      {
        method: correction.method,
        headers: { "content-type": "application/json", "if-match": etag },
        body: JSON.stringify({ ...correction.body, ...signature }),
      },
      (response) => {
        next = response.headers.get("etag") ?? "";
      },
    );
    return { record, etag: next || record.etag, ...(record.change ? { change: record.change } : {}) };
  } catch (error) {
    const failed = error as ApiError;
    if (failed.code !== "RECORD_CHANGED") throw error;
    const record = failed.details.record as ReviewRecord | undefined;
    const current = record ? { record, etag: String(failed.details.etag ?? record.etag) } : undefined;
    throw new RecordChanged(failed.message, current);
  }
}

/** The mentions of one page, rejected ones included (they are drawn struck through). */
export const onPage = (mentions: readonly ReviewedMention[], page: number) =>
  mentions.filter((m) => m.page === page);

/** A profile's item types and the JSON Schema that says each type's attributes. */
export interface ProfileSchema {
  name: string;
  types: string[];
  schema: Record<string, unknown>;
}

export const getProfile = (name: string) => send<ProfileSchema>(`/v1/schemas/${at(name)}`);
