/**
 * One claimed task, start to end: reuse a stored result when the fingerprint matches, else run the
 * pipeline on the stored bytes; then record the outcome. A failure a retry can help is retried later
 * (JOB_ATTEMPTS, JOB_RETRY_DELAY_MS doubled each time); one that cannot is final, with its error code.
 * A task interrupted by shutdown goes back to the queue as it was; one whose job was cancelled ends
 * cancelled; one whose process died twice while it was at work is a poison pill (poison.ts). One that
 * failed because the model server is down goes back to the queue as it was too,
 * while the runner waits for the server (model-outage.ts). Whatever the outcome, one line says it (with
 * the document's figures when it was read), and the job's end is reported by the task that ends it.
 */
import { checkOcrPages, countOcrPages } from "../auth/quotas.js";
import type { Config } from "../config.js";
import { isPalimpsestError, PalimpsestError } from "../errors.js";
import type { JobDocumentOutcome, Metrics } from "../observability/metrics.js";
import { type PipelineDeps, runPipeline } from "../pipeline/run.js";
import type { BlobStore } from "../store/blobs.js";
import type { Store, StoredError, TaskRecord } from "../store/port.js";
import { isRemembered } from "./failure-memory.js";
import type { JobContext } from "./job-context.js";
import type { JobEnds } from "./job-end.js";
import type { TaskCalls } from "./job-endpoint.js";
import { poisonPill } from "./poison.js";

export interface TaskEnvironment {
  config: Pick<
    Config,
    "jobAttempts" | "jobRetryDelayMs" | "quotaConcurrentJobs" | "quotaStoredBytes" | "quotaOcrPagesPerDay"
  >;
  store: Store;
  blobs: BlobStore;
  /** What runPipeline needs, with the task's endpoint (see job-endpoint.ts), which counts into `calls`. */
  pipeline: PipelineDeps;
  calls: TaskCalls;
  owner: string;
  now: () => number;
  /** Whether a failure with this error waits for the model server instead of counting (ModelOutage.holds). */
  waitsForModel: (error: unknown) => Promise<boolean>;
  /** Reports the job's end when this task's outcome ended it. */
  jobEnds: Pick<JobEnds, "report">;
  metrics?: Pick<Metrics, "jobDocument">;
}

/** What a document's line says of it, besides its outcome. */
interface Figures {
  pages?: number;
  chunks?: number;
  mentions?: number;
  rejected?: number;
  code?: string;
  retryAt?: number;
  reason?: string;
}

export type Interruption = "shutdown" | "cancel";

export async function processTask(
  env: TaskEnvironment,
  jobContext: () => Promise<JobContext>,
  task: TaskRecord,
  signal: AbortSignal,
  interruption: () => Interruption | undefined,
): Promise<void> {
  const { store, owner, now } = env;
  const logger = env.pipeline.logger;
  const started = now();
  /** Records the outcome at `at` (the job's end time if it ends the job), then says it in one line. */
  const finished = async (outcome: JobDocumentOutcome, figures: Figures, at: number, error?: unknown) => {
    const line = { outcome, documentId: task.documentId, ...figures, seconds: (at - started) / 1000 };
    if (error === undefined) logger.info(line, "document finished");
    else logger.error({ ...line, err: error }, "document finished");
    env.metrics?.jobDocument(outcome);
    // The outcome is recorded: a failure to read the job back must not be taken for the document's.
    await env.jobEnds
      .report(task.jobId, at)
      .catch((error: unknown) => logger.warn({ err: error }, "reading whether the job ended failed"));
  };
  let job: JobContext | undefined;
  try {
    const poisoned = poisonPill(task);
    if (poisoned) throw poisoned;
    if (task.attempts > env.config.jobAttempts)
      throw new PalimpsestError(
        "DOCUMENT_INTERRUPTED",
        `Processing this document was interrupted ${task.attempts - 1} times (the process stopped while reading it); it is not tried again. Check the service log for a crash or an out-of-memory kill.`,
      );
    job = await jobContext();
    const earlier = await store.findResult(task.documentId, job.fingerprint, job.tenant);
    if (earlier) {
      const at = now();
      await store.completeTask(task.id, owner, { reusedResultId: earlier.id }, at);
      const { pages, chunks, mentions, rejected } = earlier;
      await finished("reused", { pages, chunks, mentions, rejected }, at);
      return;
    }
    const failed = await store.findFailure(task.documentId, job.failureKey);
    if (failed) {
      const at = now();
      await store.failTask(task.id, owner, failed, undefined, at);
      await finished("failed", { code: failed.code, reason: "failed so before: not read again" }, at);
      return;
    }
    // A key past its OCR pages of the day: its documents fail (QUOTA_EXCEEDED, retried as retryable).
    if (job.createdBy !== undefined) await checkOcrPages(store, env.config, job.createdBy, now());
    const bytes = () => env.blobs.read(task.documentId);
    // From here the document is at work: the process dying now is counted on it.
    await store.startTask(task.id, owner);
    const extraction = await runPipeline(
      {
        bytes,
        profile: job.profile,
        filename: task.path,
        ...job.options,
        requester: task.jobId,
        ...(job.requestId === undefined ? {} : { requestId: job.requestId }),
        signal,
      },
      env.pipeline,
    );
    await countOcrPages(store, job.createdBy, extraction, now());
    const figures = {
      pages: extraction.document.pages.length,
      chunks: extraction.stats.chunks,
      mentions: extraction.entities.length,
      rejected: extraction.rejected.length,
    };
    const at = now();
    await store.completeTask(
      task.id,
      owner,
      {
        result: {
          fingerprint: job.fingerprint,
          profile: job.profile.name,
          extraction: JSON.stringify(extraction),
          // The pipeline was given the path as the document's file name.
          name: task.path,
          mediaType: extraction.document.mediaType,
          ...figures,
          modelCalls: env.calls.modelCalls,
        },
      },
      at,
    );
    await finished("done", figures, at);
  } catch (error) {
    const interrupted = signal.aborted ? interruption() : undefined;
    if (interrupted) {
      const at = now();
      await store.releaseTask(task.id, owner, interrupted === "cancel" ? "cancelled" : "queued", at);
      if (interrupted === "cancel") await finished("cancelled", {}, at);
      else await finished("requeued", { reason: "shutdown" }, at);
      return;
    }
    if (await env.waitsForModel(error)) {
      const at = now();
      await store.releaseTask(task.id, owner, "queued", at);
      await finished("requeued", { reason: "the model server is down" }, at);
      return;
    }
    const stored = storedError(error);
    const retry = stored.retryable && task.attempts < env.config.jobAttempts;
    const at = now();
    const retryAt = retry ? at + env.config.jobRetryDelayMs * 2 ** (task.attempts - 1) : undefined;
    if (job && isRemembered(stored)) await store.rememberFailure(task.documentId, job.failureKey, stored, at);
    await store.failTask(task.id, owner, stored, retryAt, at);
    await finished(
      retry ? "retrying" : "failed",
      { code: stored.code, ...(retryAt === undefined ? {} : { retryAt }) },
      at,
      // A bug is logged with its stack; a document refused or a server failing is said by its code.
      stored.code === "INTERNAL" ? error : undefined,
    );
  }
}

export function storedError(error: unknown): StoredError {
  if (isPalimpsestError(error))
    return { code: error.code, message: error.message, retryable: error.retryable };
  return {
    code: "INTERNAL",
    message: `Something went wrong inside Palimpsest: ${(error as Error)?.message ?? String(error)}`,
    retryable: true,
  };
}
