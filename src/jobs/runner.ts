/**
 * The embedded job queue's workers. One dispatcher claims tasks from the store, round-robin between the
 * running jobs (a 10,000-document batch and a single upload take turns), and keeps up to JOB_CONCURRENCY
 * documents in flight. Their model calls all go through the process's one endpoint, whose limiter is the
 * single limit on calls in flight (MODEL_CONCURRENCY, capped by the server's max_concurrent_requests),
 * behind a fair gate and the model-response cache.
 *
 * The server's runner works on API jobs (documents, batches); the CLI's on its own job only.
 * While the model server is down, it claims nothing and waits for it (model-outage.ts). A document that
 * was at work when a process died is run alone when tried again (poison.ts).
 * stop() stops claiming, lets documents in progress finish for the grace period, then puts what is left
 * back in the queue for the next start.
 */
import { randomUUID } from "node:crypto";
import { access } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import type { Logger } from "pino";
import { Limiter } from "../concurrency/limiter.js";
import type { Config } from "../config.js";
import type { LlmEndpoint } from "../endpoint/port.js";
import { modelServerName } from "../endpoint/where.js";
import type { Metrics } from "../observability/metrics.js";
import type { PipelineDeps } from "../pipeline/run.js";
import type { ProfileRegistry } from "../profiles/registry.js";
import type { BlobStore } from "../store/blobs.js";
import type { JobRecord, Store, TaskRecord } from "../store/port.js";
import { readJobSource } from "./intake/read-source.js";
import { type JobContext, jobContext } from "./job-context.js";
import { JobEnds } from "./job-end.js";
import { JobEndpoints } from "./job-endpoint.js";
import { ModelOutage } from "./model-outage.js";
import { isSuspect } from "./poison.js";
import { Presence } from "./presence.js";
import { type Interruption, processTask } from "./process-task.js";
import { uploadedArchive } from "./submit.js";

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
  /** Counts what becomes of documents and the model-response cache's hits (GET /metrics). */
  metrics?: Pick<Metrics, "jobDocument" | "cacheLookup">;
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
  private readonly presence: Presence;
  private readonly endpoints: JobEndpoints;
  private readonly outage: ModelOutage;
  private readonly jobEnds: JobEnds;
  private readonly pipeline: Omit<PipelineDeps, "logger" | "endpoint">;
  private readonly contexts = new Map<string, Promise<JobContext>>();
  private readonly tasks = new Map<number, InFlight>();
  private readonly unpackings = new Map<string, InFlight>();
  /** A suspect (poison.ts) claimed while others ran: it waits for them to end, then runs alone. */
  private held: { job: JobRecord; task: TaskRecord } | undefined;
  /** The suspect running alone: nothing else is claimed meanwhile. */
  private alone: number | undefined;
  private status: "idle" | "running" | "stopping" = "idle";
  private startup: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private dispatching: Promise<void> | undefined;
  private onlyJob: string | undefined;
  /** False in an API process whose documents are left to `palimpsest worker` processes. */
  private processDocuments = true;
  private cursor = { jobId: undefined as string | undefined, index: 0 };
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private unwatch: (() => void) | undefined;

  constructor(private readonly deps: JobRunnerDeps) {
    this.now = deps.now ?? Date.now;
    this.presence = new Presence(deps.store, deps.logger, () => this.recovered(), this.now, this.workerId);
    const { config, endpoint, logger } = deps;
    this.outage = new ModelOutage({
      endpoint,
      logger,
      url: modelServerName(config),
      maxMs: config.modelDownMaxMs,
      now: this.now,
      resumed: () => this.wake(),
    });
    this.endpoints = new JobEndpoints(
      endpoint,
      deps.store,
      this.now,
      () => this.outage.answered(),
      deps.metrics,
    );
    this.jobEnds = new JobEnds(deps.store, logger);
    this.pipeline = { ...deps.pipeline, config: deps.config, parsing: new Limiter(availableParallelism()) };
  }

  /** Documents in flight at once. */
  get concurrency(): number {
    return this.deps.config.jobConcurrency ?? 2 * this.deps.config.modelConcurrency;
  }

  /** While this runner waits for the model server: since when the server is down. */
  get waitingForModelSince(): number | undefined {
    return this.outage.waitingSince;
  }

  /**
   * Registers this worker, recovers what dead ones left, and starts claiming. The server's runner
   * (no `onlyJob`) also resumes the unpacking of uploaded batches. With `processDocuments: false` it
   * only reads uploaded archives into tasks (they are saved where this process can read them) and
   * claims no document: workers elsewhere do. Idempotent: the first call's options hold.
   */
  start(options: { onlyJob?: string; processDocuments?: boolean } = {}): Promise<void> {
    if (this.startup) return this.startup;
    this.onlyJob = options.onlyJob;
    this.processDocuments = options.processDocuments ?? true;
    this.startup = (async () => {
      keepHeapTight();
      // Work queued by any process sharing the store (a submit, a retry, a dead worker's tasks) wakes us.
      this.unwatch = this.deps.store.watch((change) => {
        if (change.kind === "work") this.wake();
      });
      await this.presence.start();
      this.status = "running";
      this.dispatching = this.dispatch();
      await this.resumeUnpacking();
    })();
    return this.startup;
  }

  /**
   * The server's runner takes up the uploaded batches nobody is unpacking (their worker died), when
   * their archive is where this process can read it (the same machine, or a DATA_DIR they share).
   */
  private async resumeUnpacking(): Promise<void> {
    if (this.onlyJob || this.status !== "running") return;
    for (const job of await this.deps.store.listJobs("unpacking")) {
      const archive = uploadedArchive(job);
      const readable =
        archive === undefined ||
        (await access(archive).then(
          () => true,
          () => false,
        ));
      if (this.accepts(job) && job.owner === undefined && readable) void this.unpack(job.id);
    }
  }

  /** Another worker was found dead: its tasks are queued again, its unpacking jobs free. */
  private recovered(): void {
    this.wake();
    this.resumeUnpacking().catch((error: unknown) =>
      this.deps.logger.error({ err: error }, "resuming batches failed"),
    );
  }

  /** Stops once; later calls wait for the same stop. */
  stop(graceMs = this.deps.config.shutdownGraceMs): Promise<void> {
    if (!this.startup) return Promise.resolve();
    this.stopping ??= this.drain(graceMs);
    return this.stopping;
  }

  private async drain(graceMs: number): Promise<void> {
    await this.startup;
    this.status = "stopping";
    this.wake();
    await this.outage.stop();
    await this.dispatching;
    await this.releaseHeld("queued");
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
    this.unwatch?.();
    await this.presence.stop();
  }

  /** Called when there may be new work (a job submitted, a retry due). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Calls `listener` with a job's id whenever its tasks or state may have changed, in whichever process
   * (as far as the store can tell: see Store.watch).
   */
  onChange(listener: (jobId: string) => void): () => void {
    return this.deps.store.watch((change) => {
      if (change.kind === "job") listener(change.jobId);
    });
  }

  /** Resolves with the job once it is done, failed or cancelled, and none of its documents is running. */
  whenSettled(jobId: string): Promise<JobRecord | undefined> {
    return new Promise((resolve, reject) => {
      const settled = async () => {
        const { store } = this.deps;
        const job = await store.getJob(jobId);
        if (job && !TERMINAL.has(job.state)) return;
        if (job && (await store.listTasks(jobId, { state: "running", limit: 1 })).length > 0) return;
        // Failed while unpacking here: settled once its archive is cleaned up too.
        await this.unpackings.get(jobId)?.done;
        off();
        clearInterval(poll);
        resolve(job);
      };
      const check = () => {
        settled().catch((error: unknown) => {
          off();
          clearInterval(poll);
          reject(error);
        });
      };
      const off = this.onChange((id) => {
        if (id === jobId) check();
      });
      // Another process sharing the store may be the one that finishes the job. (Unref'd: waiting for
      // a job must not keep a process alive that has nothing else to do.)
      const poll = setInterval(check, POLL_MS).unref();
      check();
    });
  }

  async cancel(jobId: string): Promise<JobRecord | undefined> {
    const at = this.now();
    const job = await this.deps.store.cancelJob(jobId, at);
    await this.jobEnds.report(jobId, at);
    if (this.held?.job.id === jobId) await this.releaseHeld("cancelled");
    for (const task of this.tasks.values()) if (task.jobId === jobId) interrupt(task, "cancel");
    const unpacking = this.unpackings.get(jobId);
    if (unpacking) interrupt(unpacking, "cancel");
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
    const { config, store, blobs, logger } = this.deps;
    work.done = readJobSource(
      { config, store, blobs, logger, now: this.now },
      jobId,
      this.workerId,
      controller.signal,
      () => work.interruption,
    )
      .catch((error: unknown) => this.deps.logger.error({ err: error, job: jobId }, "unpacking failed"))
      .finally(() => {
        this.unpackings.delete(jobId);
        this.wake();
      });
    return work.done;
  }

  private accepts(job: JobRecord): boolean {
    return this.onlyJob ? job.id === this.onlyJob : job.kind !== "cli";
  }

  private async dispatch(): Promise<void> {
    while (this.status === "running") {
      try {
        this.launchHeld();
        while (this.mayClaim) {
          const claimed = await this.claimNext();
          if (!claimed) break;
          if (isSuspect(claimed.task)) this.held = claimed;
          else this.launch(claimed.job, claimed.task);
          this.launchHeld();
        }
      } catch (error) {
        this.deps.logger.error({ err: error }, "claiming documents failed; trying again");
      }
      await this.idle();
    }
  }

  /** Running, processing documents, and not waiting for the model server. */
  private get claiming(): boolean {
    return this.status === "running" && this.processDocuments && this.outage.waitingSince === undefined;
  }

  /** Claiming, with room for a document, and no suspect waiting or running alone. */
  private get mayClaim(): boolean {
    const isolating = this.held !== undefined || this.alone !== undefined;
    return this.claiming && !isolating && this.tasks.size < this.concurrency;
  }

  /** The held suspect starts once nothing else is in flight. */
  private launchHeld(): void {
    if (!this.held || this.tasks.size > 0) return;
    const { job, task } = this.held;
    this.held = undefined;
    this.alone = task.id;
    this.deps.logger.warn(
      { job: job.id, task: task.id, path: task.path },
      "a document that was at work when its process died is tried again, alone",
    );
    this.launch(job, task);
  }

  /** The held suspect goes back to the queue (shutdown) or is cancelled with its job. */
  private async releaseHeld(to: "queued" | "cancelled"): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held) await this.deps.store.releaseTask(held.task.id, this.workerId, to, this.now());
  }

  /**
   * Waits for a wake-up; when not full and not waiting for the model server (whose return wakes it),
   * also for the next due retry or the poll interval.
   */
  private async idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    // A store that fails here (busy, gone) must not make the loop spin: wait the poll interval.
    const delay = this.mayClaim ? await this.untilNextRetry().catch(() => POLL_MS) : undefined;
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
    const logger = this.deps.logger.child({
      job: job.id,
      task: task.id,
      path: task.path,
      ...(job.requestId === undefined ? {} : { requestId: job.requestId }),
    });
    const calls = { modelCalls: 0 };
    work.done = processTask(
      {
        config: this.deps.config,
        store: this.deps.store,
        blobs: this.deps.blobs,
        pipeline: { ...this.pipeline, endpoint: this.endpoints.forTask(job.id, calls), logger },
        calls,
        owner: this.workerId,
        now: this.now,
        waitsForModel: (error) => this.outage.holds(error),
        jobEnds: this.jobEnds,
        ...(this.deps.metrics === undefined ? {} : { metrics: this.deps.metrics }),
      },
      () => this.jobContext(job),
      task,
      controller.signal,
      () => work.interruption,
    )
      .catch((error: unknown) => logger.error({ err: error }, "recording a document's outcome failed"))
      .finally(() => {
        this.tasks.delete(task.id);
        if (this.alone === task.id) this.alone = undefined;
        this.wake();
      });
  }

  private jobContext(job: JobRecord): Promise<JobContext> {
    let context = this.contexts.get(job.id);
    if (!context) {
      const { config, profiles } = this.deps;
      context = this.endpoints.info().then((info) => jobContext(job, { config, profiles, info }));
      // A failure (the model server down) is not remembered: the next task asks again.
      context.catch(() => this.contexts.delete(job.id));
      this.contexts.set(job.id, context);
    }
    return context;
  }
}

/**
 * A batch allocates steadily (prompts, answers, results) while little of it stays live. V8's default
 * lets the heap grow to about four times what is live before collecting: bounded, but a 10,000-document
 * batch then peaks above 300 MiB for nothing. Growing by a quarter keeps it near 190 MiB, at no
 * measurable cost in throughput (bench/batch.ts). The flag is read at every collection, so setting it
 * once the process runs is enough; it only concerns processes that work on jobs.
 */
function keepHeapTight(): void {
  setFlagsFromString("--heap-growing-percent=25");
}

function interrupt(work: InFlight, why: Interruption): void {
  work.interruption ??= why;
  work.controller.abort();
}
