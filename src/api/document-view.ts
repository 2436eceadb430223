/** How the API shows a stored document's result in GET /v1/documents, and the links to that result. */
import { progressView, reviewKey, unreviewedProgress } from "../review/progress.js";
import type { ReviewProgress } from "../schemas/review.js";
import type { ResultSummary, ReviewSummary, Store } from "../store/port.js";

export const entitiesLink = (documentId: string, profile: string) =>
  `/v1/documents/${documentId}/entities?profile=${encodeURIComponent(profile)}`;

/** The review of each listed (document, profile) pair that has a record, by reviewKey. */
export async function reviewsOf(
  store: Store,
  tenant: string,
  listed: readonly { documentId: string; profile: string }[],
): Promise<Map<string, ReviewSummary>> {
  const summaries = await store.reviewSummaries(tenant, listed);
  return new Map(summaries.map((summary) => [reviewKey(summary), summary]));
}

/** The review progress of a pair: its record's, else every mention of its result unreviewed. */
export function reviewProgressOf(
  pair: { documentId: string; profile: string },
  mentions: number,
  reviews: Map<string, ReviewSummary>,
): ReviewProgress {
  const summary = reviews.get(reviewKey(pair));
  return summary ? progressView(summary.counts, summary.state) : unreviewedProgress(mentions);
}

/** The latest result of a document for a profile, as GET /v1/documents lists it. */
export function documentListView(result: ResultSummary, reviews: Map<string, ReviewSummary>) {
  const self = `/v1/documents/${result.documentId}`;
  return {
    id: result.documentId,
    name: result.name,
    mediaType: result.mediaType,
    pages: result.pages,
    mentions: result.mentions,
    rejected: result.rejected,
    profile: result.profile,
    createdAt: new Date(result.createdAt).toISOString(),
    review: reviewProgressOf(result, result.mentions, reviews),
    links: {
      self,
      entities: entitiesLink(result.documentId, result.profile),
      record: `${self}/record?profile=${encodeURIComponent(result.profile)}`,
      // A result without pages is served as one page holding the whole text: page 1 always exists.
      pages: `${self}/pages/1?profile=${encodeURIComponent(result.profile)}`,
    },
  };
}
