/**
 * The log line of a job's end, a batch's included: its documents done, failed and cancelled, and how long
 * it took from its creation. The store settles a job in the transaction of its last document's outcome
 * (or of its cancellation), with the time it was given: the worker that gave that time is the one that
 * reports the end, so that among processes sharing the store the line is written once.
 */
import type { Log } from "../logger.js";
import type { Store } from "../store/port.js";

/** Jobs reported lately: two outcomes of one process in the same millisecond would both match the time. */
const REMEMBERED = 1_000;

export class JobEnds {
  private readonly reported = new Set<string>();

  constructor(
    private readonly store: Pick<Store, "getJob" | "countTasks">,
    private readonly logger: Pick<Log, "info">,
  ) {}

  /** After a transition this process made at `at`: logs the job's end if that transition ended it. */
  async report(jobId: string, at: number): Promise<void> {
    const job = await this.store.getJob(jobId);
    if (job === undefined || job.state === "running" || job.state === "unpacking" || job.finishedAt !== at)
      return;
    if (this.reported.has(jobId)) return;
    this.reported.add(jobId);
    if (this.reported.size > REMEMBERED) this.reported.delete(this.reported.values().next().value as string);
    const { byState } = await this.store.countTasks(jobId, at);
    this.logger.info(
      {
        job: job.id,
        kind: job.kind,
        state: job.state,
        ...(job.requestId === undefined ? {} : { requestId: job.requestId }),
        documents: { done: byState.done, failed: byState.failed, cancelled: byState.cancelled },
        seconds: (at - job.createdAt) / 1000,
      },
      "job finished",
    );
  }
}
