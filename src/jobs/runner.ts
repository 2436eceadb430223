/**
 * The embedded job queue's workers. One dispatcher claims tasks from the store, round-robin between the
 * running jobs (a 10,000-document batch and a single upload take turns), and keeps up to JOB_CONCURRENCY
 * documents in flight. Their model calls all go through the process's one endpoint, whose limiter is the
 * single limit on calls in flight (MODEL_CONCURRENCY, capped by the server's max_concurrent_requests),
 * behind a fair gate and the model-response cache.
 *
 * The server's runner works on API jobs (documents, batches); the CLI's on its own job only.
 * stop() stops claiming, lets documents in progress finish for the grace period, then puts what is left
 * back in the queue for the next start.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { Limiter } from "../endpoint/limiter.js";
import type { LlmEndpoint } from "../endpoint/port.js";
import type { PipelineDeps } from "../pipeline/run.js";
import type { ProfileRegistry } from "../profiles/registry.js";
import { resolveProfile } from "../profiles/resolve.js";
import type { BlobStore } from "../store/blobs.js";
import { withResponseCache } from "../store/cached-endpoint.js";
import type { JobRecord, Store, TaskRecord } from "../store/port.js";
import { callContext } from "./call-context.js";
import { withFairShare } from "./fair-gate.js";
import { resultFingerprint } from "./fingerprint.js";
import { Intake } from "./intake/intake.js";
import { admitSource } from "./intake/sources.js";
import { Presence } from "./presence.js";
import { type Interruption, type JobContext, processTask, storedError } from "./process-task.js";

export interface JobRunnerDeps {
  config: Config;
  logger: Logger;
  /** The process's endpoint: its limiter is the one limit every job shares. */
  endpoint: LlmEndpoint;
  profiles: ProfileRegistry;
  store: Store;
  blobs: BlobStore;
  /** Further pipeline dependencies (an OCR reader), passed on as they are. */
  pipeline?: Partial<Omit<PipelineDeps, "config" | "endpoint" | "logger">>;
  now?: () => number;
}

/** Without news, an idle dispatcher looks again this often (another process may have added work). */
const POLL_MS = 1_000;

interface InFlight {
  jobId: string;
  controller: AbortController;
  interruption?: Interruption;
  done: Promise<void>;
}

const TERMINAL: ReadonlySet<JobRecord["state"]> = new Set(["done", "failed", "cancelled"]);

export class JobRunner {
  readonly workerId = randomUUID();
  private readonly now: () => number;
  private readonly changes = new EventEmitter().setMaxListeners(0);
  private readonly presence: Presence;
  private readonly pipeline: Omit<PipelineDeps, "logger">;
  private readonly contexts = new Map<string, Promise<JobContext>>();
  private readonly tasks = new Map<number, InFlight>();
  private readonly unpackings = new Map<string, InFlight>();
  private status: "idle" | "running" | "stopping" | "stopped" = "idle";
  private startup: Promise<void> | undefined;
  private dispatching: Promise<void> | undefined;
  private onlyJob: string | undefined;
  private cursor = { jobId: undefined as string | undefined, index: 0 };
  private woken = false;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly deps: JobRunnerDeps) {
    this.now = deps.now ?? Date.now;
    this.presence = new Presence(deps.store, deps.logger, () => this.wake(), this.now, this.workerId);
    const counted = withResponseCache(
      withFairShare(deps.endpoint, deps.config.modelConcurrency),
      deps.store,
      (from) => {
        const calls = callContext.getStore();
        if (calls && from === "server") calls.modelCalls++;
        else if (calls) calls.cacheHits++;
      },
      this.now,
    );
    this.pipeline = {
      ...deps.pipeline,
      config: deps.config,
      endpoint: counted,
      parsing: new Limiter(availableParallelism()),
    };
  }

  /** Documents in flight at once. */
  get concurrency(): number {
    return this.deps.config.jobConcurrency ?? 2 * this.deps.config.modelConcurrency;
  }

  /**
   * Registers this worker, recovers what dead ones left, and starts claiming. The server's runner
   * (no `onlyJob`) also resumes the unpacking of uploaded batches. Idempotent.
   */
  start(options: { onlyJob?: string } = {}): Promise<void> {
    if (this.startup) return this.startup;
    this.onlyJob = options.onlyJob;
    this.startup = (async () => {
      await this.presence.start();
      this.status = "running";
      this.dispatching = this.dispatch();
      if (this.onlyJob) return;
      for (const job of await this.deps.store.listJobs("unpacking"))
        if (this.accepts(job) && job.owner === undefined) void this.unpack(job.id);
    })();
    return this.startup;
  }

  async stop(graceMs = this.deps.config.shutdownGraceMs): Promise<void> {
    if (!this.startup || this.status === "stopped") return;
    await this.startup;
    if (this.status !== "running") return;
    this.status = "stopping";
    this.wake();
    await this.dispatching;
    // Unpacking is cheap to redo: it stops at once and starts over on the next start.
    for (const unpacking of this.unpackings.values()) interrupt(unpacking, "shutdown");
    const grace = new AbortController();
    await Promise.race([
      Promise.all([...this.tasks.values()].map((task) => task.done)),
      sleep(graceMs, undefined, { signal: grace.signal }).catch(() => {}),
    ]);
    grace.abort();
    for (const task of this.tasks.values()) interrupt(task, "shutdown");
    await Promise.all([...this.tasks.values(), ...this.unpackings.values()].map((work) => work.done));
    await this.presence.stop();
    this.status = "stopped";
  }

  /** Called when there may be new work (a job submitted, a retry due). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Calls `listener` with a job's id whenever its tasks or state may have changed. */
  onChange(listener: (jobId: string) => void): () => void {
    this.changes.on("change", listener);
    return () => this.changes.off("change", listener);
  }

  private changed(jobId: string): void {
    this.changes.emit("change", jobId);
  }

  /** Resolves with the job once it is done, failed or cancelled, and none of its documents is running. */
  whenSettled(jobId: string): Promise<JobRecord | undefined> {
    return new Promise((resolve) => {
      const check = async () => {
        const { store } = this.deps;
        const job = await store.getJob(jobId);
        if (job && !TERMINAL.has(job.state)) return;
        if (job && (await store.listTasks(jobId, { state: "running", limit: 1 })).length > 0) return;
        off();
        clearInterval(poll);
        resolve(job);
      };
      const off = this.onChange((id) => {
        if (id === jobId) void check();
      });
      // Another process sharing the store may be the one that finishes the job.
      const poll = setInterval(check, POLL_MS);
      void check();
    });
  }

  async cancel(jobId: string): Promise<JobRecord | undefined> {
    const job = await this.deps.store.cancelJob(jobId, this.now());
    for (const task of this.tasks.values()) if (task.jobId === jobId) interrupt(task, "cancel");
    const unpacking = this.unpackings.get(jobId);
    if (unpacking) interrupt(unpacking, "cancel");
    this.changed(jobId);
    return job;
  }

  /**
   * Reads the job's source into tasks (a new scan: what the source no longer has is dropped), then lets
   * the job run. An archive refused as a whole (a bomb, not an archive) fails the job.
   */
  async unpack(jobId: string): Promise<void> {
    // Taken before any await: two calls for one job (start() resuming it, a submit) unpack it once.
    const running = this.unpackings.get(jobId);
    if (running) return running.done;
    const controller = new AbortController();
    const work: InFlight = { jobId, controller, done: Promise.resolve() };
    this.unpackings.set(jobId, work);
    work.done = this.readSource(work).finally(() => {
      this.unpackings.delete(jobId);
      this.changed(jobId);
      this.wake();
    });
    return work.done;
  }

  private async readSource(work: InFlight): Promise<void> {
    const { store } = this.deps;
    const job = await store.getJob(work.jobId);
    const source = job?.spec.source;
    if (!job || !source) return;
    const scan = await store.claimUnpacking(job.id, this.workerId);
    if (scan === undefined) return;
    const uploaded = job.kind === "batch";
    try {
      await admitSource(new Intake(this.intakeDeps(), job.id, scan, work.controller.signal), source);
      await store.finishUnpacking(job.id, scan, this.now());
      if (uploaded) await rm(source.path, { force: true });
    } catch (error) {
      // After a shutdown the next start unpacks the same file again.
      if (work.interruption === "shutdown") return;
      if (work.interruption !== "cancel") {
        this.deps.logger.info({ job: job.id, err: error }, "batch refused");
        await store.failJob(job.id, storedError(error), this.now());
      }
      if (uploaded) await rm(source.path, { force: true });
    }
  }

  private intakeDeps() {
    const { config, store, blobs } = this.deps;
    return {
      store,
      blobs,
      limits: {
        maxEntries: config.archiveMaxEntries,
        maxUnpackedBytes: config.archiveMaxUnpackedBytes,
        maxRatio: config.archiveMaxRatio,
      },
      maxDocumentBytes: config.maxUploadBytes,
      scratchDir: join(config.dataDir, "tmp"),
      now: this.now,
    };
  }

  private accepts(job: JobRecord): boolean {
    return this.onlyJob ? job.id === this.onlyJob : job.kind !== "cli";
  }

  private async dispatch(): Promise<void> {
    while (this.status === "running") {
      try {
        while (this.status === "running" && this.tasks.size < this.concurrency) {
          const claimed = await this.claimNext();
          if (!claimed) break;
          this.launch(claimed.job, claimed.task);
        }
      } catch (error) {
        this.deps.logger.error({ err: error }, "claiming documents failed; trying again");
      }
      await this.idle();
    }
  }

  /** Waits for a wake-up; when not full, also for the next due retry or the poll interval. */
  private async idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    const delay = this.tasks.size < this.concurrency ? await this.untilNextRetry() : undefined;
    await new Promise<void>((resolve) => {
      const timer = delay === undefined ? undefined : setTimeout(() => this.wake(), delay);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      if (this.woken) this.wakeUp();
    });
  }

  private async untilNextRetry(): Promise<number> {
    const jobs = (await this.deps.store.listJobs("running")).filter((job) => this.accepts(job));
    const due = await this.deps.store.nextRetryAt(jobs.map((job) => job.id));
    return due === undefined ? POLL_MS : Math.max(0, Math.min(POLL_MS, due - this.now()));
  }

  /** The next task, taking jobs in turn after the one served last. */
  private async claimNext(): Promise<{ job: JobRecord; task: TaskRecord } | undefined> {
    const jobs = (await this.deps.store.listJobs("running")).filter((job) => this.accepts(job));
    for (const id of this.contexts.keys()) if (!jobs.some((job) => job.id === id)) this.contexts.delete(id);
    const last = jobs.findIndex((job) => job.id === this.cursor.jobId);
    // When the last job served is gone, the one that took its place in the list is next.
    const start = last === -1 ? this.cursor.index : last + 1;
    for (let turn = 0; turn < jobs.length; turn++) {
      const index = (start + turn) % jobs.length;
      const job = jobs[index] as JobRecord;
      const task = await this.deps.store.claimTask(job.id, this.workerId, this.now());
      if (task) {
        this.cursor = { jobId: job.id, index };
        return { job, task };
      }
    }
    return undefined;
  }

  private launch(job: JobRecord, task: TaskRecord): void {
    const controller = new AbortController();
    const work: InFlight = { jobId: job.id, controller, done: Promise.resolve() };
    this.tasks.set(task.id, work);
    const logger = this.deps.logger.child({ job: job.id, task: task.id, path: task.path });
    work.done = processTask(
      {
        config: this.deps.config,
        store: this.deps.store,
        blobs: this.deps.blobs,
        pipeline: { ...this.pipeline, logger },
        owner: this.workerId,
        now: this.now,
      },
      () => this.jobContext(job),
      task,
      controller.signal,
      () => work.interruption,
    )
      .catch((error: unknown) => logger.error({ err: error }, "recording a document's outcome failed"))
      .finally(() => {
        this.tasks.delete(task.id);
        this.changed(job.id);
        this.wake();
      });
    this.changed(job.id);
  }

  private jobContext(job: JobRecord): Promise<JobContext> {
    let context = this.contexts.get(job.id);
    if (!context) {
      const { config, profiles } = this.deps;
      context = (async () => {
        const { profile: name, schema, language, script, ocrModels } = job.spec;
        const profile = resolveProfile(
          profiles,
          { profile: name, ...(schema === undefined ? {} : { schema }) },
          config.defaultProfile,
        );
        const options = {
          ...(language ? { language } : {}),
          ...(script ? { script } : {}),
          ...(ocrModels ? { ocrModels } : {}),
        };
        const info = await this.pipeline.endpoint.info();
        return {
          jobId: job.id,
          profile,
          options,
          fingerprint: resultFingerprint({ config, info, profile, options }),
        };
      })();
      // A failure (the model server down) is not remembered: the next task asks again.
      context.catch(() => this.contexts.delete(job.id));
      this.contexts.set(job.id, context);
    }
    return context;
  }
}

function interrupt(work: InFlight, why: Interruption): void {
  work.interruption ??= why;
  work.controller.abort();
}
