/** How the API shows a reviewed record (GET /v1/documents/:id/record and the corrections' answers). */

import type { Extraction } from "../pipeline/extraction.js";
import { resultDifferences } from "../review/differences.js";
import { countStates, documentState, progressView } from "../review/progress.js";
import type { LoadedRecord } from "../review/records.js";
import type { ReviewRecord } from "../schemas/review.js";

export const recordLink = (documentId: string, profile: string) =>
  `/v1/documents/${documentId}/record?profile=${encodeURIComponent(profile)}`;

export function recordView(record: LoadedRecord, options: { text: boolean }): ReviewRecord {
  const { result, latest, extraction, stored } = record;
  const base = `/v1/documents/${result.documentId}`;
  const query = `?profile=${encodeURIComponent(result.profile)}`;
  const counts = countStates(record.mentions);
  const newer = stored !== undefined && latest.id !== result.id ? latest : undefined;
  return {
    document: result.documentId,
    profile: result.profile,
    revision: record.revision,
    etag: record.etag,
    ...(stored ? { updatedAt: new Date(stored.updatedAt).toISOString() } : {}),
    progress: progressView(counts, documentState(counts, record.revision)),
    result: {
      id: result.id,
      createdAt: new Date(result.createdAt).toISOString(),
      model: extraction.model.id,
    },
    ...(newer ? { newerResult: newerView(extraction, newer.id, newer.createdAt, newer.extraction) } : {}),
    ...(options.text ? { text: extraction.text } : {}),
    mentions: record.mentions,
    links: {
      self: recordLink(result.documentId, result.profile),
      revisions: `${base}/record/revisions${query}`,
      original: `${base}/record/original${query}`,
      entities: `${base}/entities${query}`,
    },
  };
}

function newerView(before: Extraction, id: number, createdAt: number, json: string) {
  const after = JSON.parse(json) as Extraction;
  return {
    id,
    createdAt: new Date(createdAt).toISOString(),
    model: after.model.id,
    differences: resultDifferences(before, after),
  };
}
