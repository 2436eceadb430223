/**
 * The reviewed records' rows, alike in both adapters (the same column names), their mapping to the
 * port's records, and the review filter of the documents listing.
 */
import type { DocumentReviewState } from "../schemas/review.js";
import type { JobReviewCounts, ReviewCounts, ReviewRecordRow, ReviewSummary, RevisionRow } from "./port.js";

export interface ReviewRow {
  tenant: string;
  document_id: string;
  profile: string;
  result_id: number;
  revision: number;
  state: DocumentReviewState;
  unreviewed: number;
  confirmed: number;
  corrected: number;
  added: number;
  rejected: number;
  created_at: number;
  updated_at: number;
  mentions: string;
}

export interface RevisionRowColumns {
  revision: number;
  editor: string;
  kind: string;
  created_at: number;
  change: string;
}

/** Every column but the mentions, which listings never read. */
export const REVIEW_SUMMARY_COLUMNS =
  "document_id, profile, result_id, revision, state, unreviewed, confirmed, corrected, added, rejected, created_at, updated_at";

/** The columns saveReview writes, in the order of reviewValues. */
export const REVIEW_COLUMNS = `tenant, ${REVIEW_SUMMARY_COLUMNS}, mentions`;

export function reviewValues(record: ReviewRecordRow): unknown[] {
  const { counts } = record;
  return [
    record.tenant,
    record.documentId,
    record.profile,
    record.resultId,
    record.revision,
    record.state,
    counts.unreviewed,
    counts.confirmed,
    counts.corrected,
    counts.added,
    counts.rejected,
    record.createdAt,
    record.updatedAt,
    record.mentions,
  ];
}

const countsOf = (row: Omit<ReviewRow, "mentions" | "tenant">): ReviewCounts => ({
  unreviewed: row.unreviewed,
  confirmed: row.confirmed,
  corrected: row.corrected,
  added: row.added,
  rejected: row.rejected,
});

export const toReviewSummary = (row: Omit<ReviewRow, "mentions" | "tenant">): ReviewSummary => ({
  documentId: row.document_id,
  profile: row.profile,
  resultId: row.result_id,
  revision: row.revision,
  state: row.state,
  counts: countsOf(row),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toReviewRecord = (row: ReviewRow): ReviewRecordRow => ({
  tenant: row.tenant,
  ...toReviewSummary(row),
  mentions: row.mentions,
});

export const toRevision = (row: RevisionRowColumns): RevisionRow => ({
  revision: row.revision,
  editor: row.editor,
  kind: row.kind,
  createdAt: row.created_at,
  change: row.change,
});

/**
 * The condition on a `results` row that its (document, profile) pair's review is in `state`, with the
 * state as `placeholder`: a pair without a record is unreviewed.
 */
export function reviewStateCondition(state: DocumentReviewState, placeholder: string): string {
  const record = `SELECT 1 FROM reviews WHERE reviews.tenant = results.tenant
    AND reviews.document_id = results.document_id AND reviews.profile = results.profile`;
  return state === "unreviewed"
    ? `NOT EXISTS (${record} AND reviews.state <> ${placeholder})`
    : `EXISTS (${record} AND reviews.state = ${placeholder})`;
}

/**
 * The statement of jobReviewCounts over a job's done tasks given by `jobCondition` (on `tasks`): mentions
 * by state, and documents by review state.
 */
export function jobReviewStatement(jobCondition: string): string {
  return `SELECT COALESCE(reviews.state, 'unreviewed') AS state, COUNT(*) AS documents,
      SUM(COALESCE(reviews.unreviewed, results.mentions)) AS unreviewed,
      SUM(COALESCE(reviews.confirmed, 0)) AS confirmed, SUM(COALESCE(reviews.corrected, 0)) AS corrected,
      SUM(COALESCE(reviews.added, 0)) AS added, SUM(COALESCE(reviews.rejected, 0)) AS rejected
    FROM tasks JOIN results ON results.id = tasks.result_id
    LEFT JOIN reviews ON reviews.tenant = results.tenant AND reviews.document_id = results.document_id
      AND reviews.profile = results.profile
    WHERE ${jobCondition} AND tasks.state = 'done'
    GROUP BY COALESCE(reviews.state, 'unreviewed')`;
}

/** Adds up the rows of jobReviewStatement. */
export function toJobReviewCounts(
  rows: ({ state: DocumentReviewState; documents: number } & ReviewCounts)[],
): JobReviewCounts {
  const total: JobReviewCounts = {
    unreviewed: 0,
    confirmed: 0,
    corrected: 0,
    added: 0,
    rejected: 0,
    documents: { unreviewed: 0, "in-progress": 0, reviewed: 0 },
  };
  for (const row of rows) {
    total.documents[row.state] += Number(row.documents);
    for (const key of ["unreviewed", "confirmed", "corrected", "added", "rejected"] as const)
      total[key] += Number(row[key]);
  }
  return total;
}
