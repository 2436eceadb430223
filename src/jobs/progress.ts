/**
 * A job's progress, from the store's counts: documents by state, pages and chunks read, model calls,
 * the rate over the last minute and the time left at that rate.
 */
import type { JobProgress } from "../schemas/job.js";
import type { Store } from "../store/port.js";

/** The rate is measured over documents finished this recently, so it follows the current pace. */
const RATE_WINDOW_MS = 60_000;

/** Declared with the API's Job (schemas/job.ts), which shows it; the CLI prints it too. */
export type { JobProgress };

export async function jobProgress(store: Store, jobId: string, now: number): Promise<JobProgress> {
  const counts = await store.countTasks(jobId, now - RATE_WINDOW_MS);
  const { byState } = counts;
  const total = Object.values(byState).reduce((sum, n) => sum + n, 0);
  const left = byState.queued + byState.running + byState.retrying;
  const progress: JobProgress = {
    documents: { ...byState, total },
    skipped: counts.skipped,
    pages: counts.pages,
    chunks: counts.chunks,
    modelCalls: counts.modelCalls,
    reused: counts.reused,
  };
  const { finished, firstStartedAt } = counts.recent;
  if (finished > 0 && firstStartedAt !== undefined) {
    const seconds = Math.max(1, now - Math.max(firstStartedAt, now - RATE_WINDOW_MS)) / 1000;
    progress.rate = finished / seconds;
  }
  if (left === 0) progress.etaSeconds = 0;
  else if (progress.rate) progress.etaSeconds = Math.ceil(left / progress.rate);
  return progress;
}
