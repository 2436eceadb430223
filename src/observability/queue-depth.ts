/**
 * The queue's depth as /metrics reports it, read from the store: a few cheap queries (the unfinished
 * jobs, then each running job's task counts by state), kept for a few seconds so that several
 * scrapers, or one scraping often, do not make the store count again each time.
 */
import type { Store } from "../store/port.js";
import type { QueueDepth } from "./metrics.js";

/** How long one reading is reused. Prometheus scrapes every 15 s or more by default. */
export const QUEUE_DEPTH_TTL_MS = 5_000;

export function queueDepthReader(
  store: Pick<Store, "listJobs" | "countTasks">,
  now: () => number = Date.now,
): () => Promise<QueueDepth> {
  let cached: { at: number; depth: Promise<QueueDepth> } | undefined;
  return () => {
    if (cached === undefined || now() - cached.at >= QUEUE_DEPTH_TTL_MS) {
      const depth = readDepth(store, now());
      // A failed reading (the store busy or gone) is not kept: the next scrape asks again.
      depth.catch(() => {
        cached = undefined;
      });
      cached = { at: now(), depth };
    }
    return cached.depth;
  };
}

async function readDepth(store: Pick<Store, "listJobs" | "countTasks">, now: number): Promise<QueueDepth> {
  const [unpacking, running] = await Promise.all([store.listJobs("unpacking"), store.listJobs("running")]);
  const depth: QueueDepth = {
    tasks: { queued: 0, running: 0, retrying: 0 },
    jobs: { unpacking: unpacking.length, running: running.length },
  };
  for (const job of running) {
    const { byState } = await store.countTasks(job.id, now);
    depth.tasks.queued += byState.queued;
    depth.tasks.running += byState.running;
    depth.tasks.retrying += byState.retrying;
  }
  return depth;
}
