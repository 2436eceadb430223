/** How far a record's review is: its mentions counted by state, and the document's review state. */

import type { DocumentReviewState, ReviewedMention, ReviewProgress } from "../schemas/review.js";
import type { JobReviewCounts, ReviewCounts } from "../store/port.js";

/** A (document, profile) pair as a key: a tenant has one record per pair. */
export const reviewKey = (pair: { documentId: string; profile: string }) =>
  `${pair.documentId}\u0000${pair.profile}`;

export function countStates(mentions: readonly ReviewedMention[]): ReviewCounts {
  const counts: ReviewCounts = { unreviewed: 0, confirmed: 0, corrected: 0, added: 0, rejected: 0 };
  for (const mention of mentions) counts[mention.review] += 1;
  return counts;
}

/**
 * A record without a revision is unreviewed; one with a revision is reviewed once no mention is left
 * unreviewed (a document without mentions once a person confirmed it), in progress until then.
 */
export function documentState(counts: ReviewCounts, revision: number): DocumentReviewState {
  if (revision === 0) return "unreviewed";
  if (counts.unreviewed === 0) return "reviewed";
  const reviewed = counts.confirmed + counts.corrected + counts.added + counts.rejected;
  return reviewed === 0 ? "unreviewed" : "in-progress";
}

export function progressView(counts: ReviewCounts, state: DocumentReviewState): ReviewProgress {
  const total = counts.unreviewed + counts.confirmed + counts.corrected + counts.added + counts.rejected;
  return { state, total, ...counts };
}

/** The progress of a document nobody reviewed: every mention of its result unreviewed. */
export function unreviewedProgress(mentions: number): ReviewProgress {
  return progressView(
    { unreviewed: mentions, confirmed: 0, corrected: 0, added: 0, rejected: 0 },
    "unreviewed",
  );
}

/** A job's: reviewed once every document done is, unreviewed while none has been touched. */
export function jobProgressView(counts: JobReviewCounts): ReviewProgress {
  const { documents, ...mentions } = counts;
  const total = documents.unreviewed + documents["in-progress"] + documents.reviewed;
  const state =
    total > 0 && documents.reviewed === total
      ? "reviewed"
      : documents.unreviewed === total
        ? "unreviewed"
        : "in-progress";
  return { ...progressView(mentions, state), documents };
}
