/**
 * The Extraction a stored result is served as, by every route and export that gives stored results:
 * once people reviewed the document (its record has a revision), the record's mentions (corrected,
 * added, rejected ones left out), each with its review state; until then the result as stored.
 */
import type { Extraction } from "../pipeline/extraction.js";
import type { ReviewedMention } from "../schemas/review.js";
import type { ResultRecord, ReviewRecordRow, Store } from "../store/port.js";
import { reviewKey } from "./progress.js";
import { exportedMention } from "./record.js";

/** The JSON of the Extraction to serve for the result: the stored text itself when nobody reviewed it. */
export async function servedExtraction(store: Store, result: ResultRecord): Promise<string> {
  const review = await store.getReview(result.documentId, result.tenant, result.profile);
  return review ? reviewedJson(store, result, review) : result.extraction;
}

/** The served JSON of results of one tenant (a job's), their records looked up at once. */
export async function servedExtractions(store: Store, results: readonly ResultRecord[]): Promise<string[]> {
  const [first] = results;
  if (first === undefined) return [];
  const summaries = await store.reviewSummaries(
    first.tenant,
    results.map((result) => ({ documentId: result.documentId, profile: result.profile })),
  );
  const reviewed = new Set(summaries.map(reviewKey));
  return Promise.all(
    results.map((result) =>
      reviewed.has(reviewKey(result)) ? servedExtraction(store, result) : result.extraction,
    ),
  );
}

async function reviewedJson(store: Store, result: ResultRecord, review: ReviewRecordRow): Promise<string> {
  const base = review.resultId === result.id ? result : await store.getResult(review.resultId);
  if (!base) return result.extraction;
  return JSON.stringify(
    reviewedExtraction(
      JSON.parse(base.extraction) as Extraction,
      JSON.parse(review.mentions) as ReviewedMention[],
      review,
    ),
  );
}

/** The Extraction of a record: its mentions but the rejected ones, and which revision it is. */
export function reviewedExtraction(
  base: Extraction,
  mentions: readonly ReviewedMention[],
  review: Pick<ReviewRecordRow, "revision" | "updatedAt" | "resultId">,
): Extraction {
  return {
    ...base,
    entities: mentions.filter((mention) => mention.review !== "rejected").map(exportedMention),
    review: {
      revision: review.revision,
      updatedAt: new Date(review.updatedAt).toISOString(),
      result: review.resultId,
    },
  };
}
