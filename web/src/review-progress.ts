/** How far a review is, in words: per document (its view, the documents list) and per batch (its page). */
import { type MessageKey, t } from "./i18n/index.js";
import type { DocumentReviewState, ReviewProgress } from "./review-api.js";

export const DOCUMENT_STATES: Record<DocumentReviewState, MessageKey> = {
  unreviewed: "progress.state.unreviewed",
  "in-progress": "progress.state.inProgress",
  reviewed: "progress.state.reviewed",
};

const COUNTS: ["confirmed" | "corrected" | "added" | "rejected" | "unreviewed", MessageKey][] = [
  ["confirmed", "progress.confirmed"],
  ["corrected", "progress.corrected"],
  ["added", "progress.added"],
  ["rejected", "progress.rejected"],
  ["unreviewed", "progress.unreviewed"],
];

/** "12 confirmed · 1 corrected · 0 added · 2 rejected · 5 unreviewed". */
export function describeProgress(progress: ReviewProgress): string {
  return COUNTS.map(([state, key]) => t(key, { count: progress[state] })).join(" · ");
}

/** Of a job: its documents by review state, "2 reviewed · 1 in progress · 4 not reviewed". */
export function describeDocuments(documents: NonNullable<ReviewProgress["documents"]>): string {
  return t("progress.documents", {
    reviewed: documents.reviewed,
    inProgress: documents["in-progress"],
    unreviewed: documents.unreviewed,
  });
}

/** The document's state and counts: "Review in progress: 12 confirmed · ...". */
export function progressSummary(progress: ReviewProgress): string {
  return t("progress.summary", {
    state: t(DOCUMENT_STATES[progress.state]),
    counts: describeProgress(progress),
  });
}
