/**
 * The store port: everything Palimpsest keeps between requests and across restarts. The embedded
 * adapter is SQLite (sqlite/sqlite-store.ts); a server database (PostgreSQL) or a distributed queue
 * (Redis) can be added as adapters without touching the pipeline or the job runner. Every adapter must
 * pass test/unit/store-contract.ts.
 *
 * What an adapter promises (the contract suite checks each point):
 * - Documents are keyed by the sha256 of their bytes: storing the same bytes twice is one document.
 * - Every job, and so every result, belongs to one tenant (DEFAULT_TENANT unless given). A tenant owns
 *   the documents its jobs have tasks on, from the moment the task is created; each tenant sees only
 *   the documents it owns, its jobs and its results: one owner deleting a document leaves the others'
 *   as they were, and the bytes go once no tenant owns them.
 * - A job holds one task per source entry (unique per job and path). Task states:
 *     queued -> running -> done | failed | retrying (-> running again once `notBefore` has passed)
 *     queued | retrying | running -> cancelled (the job was cancelled)
 *   A task's transitions out of `running` only apply while `owner` is still the worker that claimed it,
 *   so a worker that lost its task (declared dead, task handed to another) cannot overwrite the result.
 * - claimTask is atomic: two workers, in one process or many, never claim the same task.
 * - completeTask stores the result and marks the task done in one transaction: a result is never
 *   visible without its task being done, nor a task done without its result.
 * - Results are keyed by (tenant, document, fingerprint): a second result for the same key is not
 *   stored; the first one is kept and used. Another tenant's result is never reused.
 * - A job whose tasks are all done, failed or cancelled, and that is not unpacking, becomes `done`
 *   in the same transaction as its last task's transition.
 * - Recent jobs are listed newest first, page after page, by a cursor that jobs created meanwhile do not
 *   disturb: no job is listed twice nor left out.
 * - The latest result of each (document, profile) is listed newest first, page after page, by such a
 *   cursor; the name filter is a substring, whatever the case.
 * - The response cache maps a key to a value; putting a key twice keeps the first value.
 * - A job that has not finished (unpacking, running, or with a task still running) is never deleted;
 *   deleting a finished one removes its tasks and skipped entries, and leaves documents and results.
 * - A document that a job not finished has a task on is never deleted; deleting one removes its results,
 *   its reviewed records and their revisions, and the tasks of finished jobs that point at it, in one
 *   transaction with the document itself.
 * - A reviewed record changes only from the revision its writer read (saveReview): of two editors who
 *   read one revision, the second to save is refused. Its revisions are kept, oldest first.
 * - API keys are kept by their hash only; a revoked key stays listed (so its id is never reused) and
 *   its sessions end with it. A session is found only while it and its key are valid.
 * - Timestamps are milliseconds since the epoch, given by the caller (so tests control the clock); only
 *   a worker's silence is measured by the store's own clock (listWorkers), so that processes on machines
 *   whose clocks disagree judge each other alike.
 * - Watchers hear of every change to a job's state or tasks, and of new work to claim, once it is
 *   committed: from every process sharing the store where the adapter can tell (PostgreSQL's
 *   LISTEN/NOTIFY), from this process at least (SQLite; other processes are seen by polling).
 * All methods are asynchronous so that adapters over the network fit the same interface.
 */

import type { Role } from "../auth/roles.js";
import type { AlignmentPolicy } from "../pipeline/ground/policy.js";
import type { DocumentReviewState } from "../schemas/review.js";

// Listed as values too, so that the API's request schemas enumerate exactly these.
export const TASK_STATES = ["queued", "running", "retrying", "done", "failed", "cancelled"] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** unpacking: entries are still being read (tasks may exist but none is claimed). */
export const JOB_STATES = ["unpacking", "running", "done", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];

export const JOB_KINDS = ["document", "batch", "cli"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const ACTIVE_TASK_STATES: readonly TaskState[] = ["queued", "running", "retrying"];

export interface StoredError {
  code: string;
  message: string;
  retryable: boolean;
}

export interface DocumentRecord {
  /** sha256 of the bytes, hex. */
  id: string;
  byteLength: number;
  createdAt: number;
}

/** What a job was asked to do, kept so that a restarted process can carry on with it. */
export interface JobSpec {
  /** Profile name (a registered profile, or the name given to a custom schema). */
  profile: string;
  /** A custom profile's JSON Schema, when the request carried one. */
  schema?: unknown;
  /** ISO 639-1 code given by the user; detected per document when absent. */
  language?: string;
  /** ISO 15924 script of scans (Latf: Fraktur), for the choice of OCR models. */
  script?: string;
  /** Tesseract models to read scans with, overriding the choice from language and script. */
  ocrModels?: string[];
  /** The alignment policy the request asked for, over the profile's and the service's. */
  alignment?: Partial<AlignmentPolicy>;
  /**
   * Where the entries come from: an uploaded archive kept under DATA_DIR, a folder or a list (CLI), a
   * IIIF manifest or collection (`path` is its URL); `name` is the uploaded archive's own file name, when
   * the upload gave one (`path` is where it was saved).
   */
  source?: { kind: "archive" | "dir" | "list" | "manifest"; path: string; name?: string };
}

export interface JobRecord {
  id: string;
  /** Whose job it is (and so whose documents and results it makes). */
  tenant: string;
  /** The API key that submitted it, for that key's quotas; absent in open mode and for CLI jobs. */
  createdBy?: string;
  kind: JobKind;
  state: JobState;
  spec: JobSpec;
  /** The CLI's resume key (source and options); undefined for API jobs. */
  key?: string;
  /** The X-Request-Id of the request that created the job, carried into its work's logs and model calls. */
  requestId?: string;
  /** Why the job itself failed (an archive refused); task failures are on the tasks. */
  error?: StoredError;
  /** Worker unpacking the job's source, while unpacking. */
  owner?: string;
  createdAt: number;
  finishedAt?: number;
}

export interface TaskRecord {
  id: number;
  jobId: string;
  /** Path of the entry in its source (archive member, file under the folder, line of the list). */
  path: string;
  documentId: string;
  state: TaskState;
  /** Times the task was claimed, including the current run. */
  attempts: number;
  /** Times the process died while this task was at work (see jobs/poison.ts). */
  crashes: number;
  /** A retrying task is not claimed before this time. */
  notBefore: number;
  owner?: string;
  resultId?: number;
  error?: StoredError;
  /** Filled when done. */
  pages?: number;
  chunks?: number;
  /** Model calls that reached the server (cache hits and reused results cost none). */
  modelCalls?: number;
  /** True when an earlier result for the same document and fingerprint was reused. */
  reused?: boolean;
  startedAt?: number;
  finishedAt?: number;
}

export interface SkippedEntry {
  path: string;
  /** A code of jobs/archive/skip-reasons.ts. */
  reason: string;
  message: string;
}

export interface ResultRecord {
  id: number;
  /** The tenant of the job that made it. */
  tenant: string;
  documentId: string;
  /** Identifies what produced the result: profile, model, prompt, settings (see jobs/fingerprint.ts). */
  fingerprint: string;
  profile: string;
  /** The Extraction, serialised as JSON. */
  extraction: string;
  // Figures of the Extraction, kept beside it so that listings need not parse it.
  /**
   * The name the document was read under (the Extraction's document.filename): a document job's upload
   * file name, a batch entry's path in its archive. A later upload of the same bytes under another name
   * reuses the result, and so keeps this name.
   */
  name: string;
  mediaType: string;
  pages: number;
  chunks: number;
  /** Mentions (the Extraction's entities) and items the model answered that were rejected. */
  mentions: number;
  rejected: number;
  createdAt: number;
}

/** A result without its Extraction, for listings. */
export type ResultSummary = Omit<ResultRecord, "extraction">;

/** Counts for progress, over the tasks of one job. */
export interface TaskCounts {
  byState: Record<TaskState, number>;
  skipped: number;
  pages: number;
  chunks: number;
  modelCalls: number;
  reused: number;
  /** Tasks (done or failed) that finished at or after `since`, and the earliest start among them. */
  recent: { finished: number; firstStartedAt?: number };
}

export interface NewResult extends Omit<ResultRecord, "id" | "tenant" | "documentId" | "createdAt"> {
  /** Model calls the run made (reported on the task: the result may serve other tasks). */
  modelCalls: number;
}

/** A job as it is created: without a tenant, it is DEFAULT_TENANT's. */
export type NewJob = Omit<JobRecord, "tenant"> & { tenant?: string };

export interface KeyRecord {
  /** Public identifier, part of the key itself (see auth/keys.ts). */
  id: string;
  /** What the key is for, as its creator labelled it. */
  name?: string;
  tenant: string;
  role: Role;
  /** sha256 of the whole key, hex; the key itself is never stored. */
  hash: string;
  createdAt: number;
  revokedAt?: number;
}

export interface SessionRecord {
  /** sha256 of the session cookie's value, hex. */
  hash: string;
  keyId: string;
  createdAt: number;
  expiresAt: number;
}

export interface WorkerRecord {
  id: string;
  host: string;
  pid: number;
  heartbeatAt: number;
}

/** A worker as listed, with how long it has been silent by the store's clock (not the caller's). */
export interface ListedWorker extends WorkerRecord {
  silentMs: number;
}

/** A record's mentions by review state, kept in columns so that listings need not parse the record. */
export interface ReviewCounts {
  unreviewed: number;
  confirmed: number;
  corrected: number;
  added: number;
  rejected: number;
}

/**
 * A tenant's reviewed record of a document for one profile (see review/): its current state, the
 * model result it is built on, and its figures. It exists from the first correction on.
 */
export interface ReviewRecordRow {
  tenant: string;
  documentId: string;
  profile: string;
  /** The id of the model result the record was built on; later results never replace it. */
  resultId: number;
  /** 1 for the first correction, one more for each after it. */
  revision: number;
  /** The record's mentions, serialised as JSON (review/record.ts). */
  mentions: string;
  counts: ReviewCounts;
  state: DocumentReviewState;
  createdAt: number;
  updatedAt: number;
}

/** One revision of a record: who made it, when, and what it changed (JSON, review/revision.ts). */
export interface RevisionRow {
  revision: number;
  editor: string;
  kind: string;
  createdAt: number;
  change: string;
}

/** A record's figures, for listings. */
export type ReviewSummary = Omit<ReviewRecordRow, "mentions" | "tenant">;

/** The review of a job's documents, added up: mentions by state and documents by review state. */
export interface JobReviewCounts extends ReviewCounts {
  documents: Record<DocumentReviewState, number>;
}

/** What watchers hear: a job's state or tasks changed; work may be ready to claim (tasks queued). */
export type StoreChange = { kind: "job"; jobId: string } | { kind: "work" };

export interface Store {
  // Documents
  putDocument(document: DocumentRecord): Promise<void>;
  /** The document when `tenant` owns it; `createdAt` is when it became the tenant's. */
  getDocument(id: string, tenant: string): Promise<DocumentRecord | undefined>;
  /**
   * Deletes a tenant's document: its results (every profile) and the tasks of the tenant's finished
   * jobs that point at it (those jobs then count one document less; a job of kind "document", whose one
   * document it was, goes with it), in one transaction. "in-use" (nothing changes), with one such job,
   * when a job of the tenant that is unpacking or running has a task on it, or a task of the tenant on it
   * is still running. `orphaned`: no tenant owns the document any more and its row is gone; its bytes
   * are then the caller's to delete (they are in the BlobStore). "missing" when the tenant owns no such
   * document.
   */
  deleteDocument(
    documentId: string,
    tenant: string,
  ): Promise<
    { outcome: "deleted"; orphaned: boolean } | { outcome: "in-use"; jobId: string } | { outcome: "missing" }
  >;
  /** Bytes of the documents the tenant owns, each counted once. */
  storedBytes(tenant: string): Promise<number>;

  // Jobs
  /** Creates the job, with these tasks (queued) in the same transaction when it has them already. */
  createJob(job: NewJob, tasks?: readonly { path: string; documentId: string }[]): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  /** The latest job with this resume key that was not cancelled. */
  findJobByKey(key: string): Promise<JobRecord | undefined>;
  /** Jobs in `state`, oldest first. */
  listJobs(state: JobState): Promise<JobRecord[]>;
  /** Jobs the key submitted that are unpacking or running. */
  countActiveJobs(keyId: string): Promise<number>;
  /**
   * Jobs newest first (in order of creation), `limit` at a time, of one kind and in one state when
   * asked. `next` is the cursor of the following page, absent on the last one; it is opaque, valid
   * with any filters, and stable while jobs are added: a page after `before` never repeats nor skips
   * an older job. A `before` this store did not give is refused with a PalimpsestError BAD_REQUEST.
   */
  listRecentJobs(options: {
    tenant: string;
    limit: number;
    before?: string;
    kind?: JobKind;
    state?: JobState;
  }): Promise<{ jobs: JobRecord[]; next?: string }>;
  /**
   * Takes the job for `owner` to (re)read its source: the job is unpacking, under a new scan number,
   * which is returned. Undefined when the job was cancelled or another worker is unpacking it.
   */
  claimUnpacking(jobId: string, owner: string): Promise<number | undefined>;
  /**
   * Ends unpacking: tasks not seen by scan `scan` are removed (the source no longer has them),
   * failed tasks whose error was retryable are queued again, and the job runs (or is done at once).
   */
  finishUnpacking(jobId: string, scan: number, now: number): Promise<void>;
  /** The job failed as a whole (its archive was refused): its remaining tasks are cancelled. */
  failJob(jobId: string, error: StoredError, now: number): Promise<void>;
  /** Cancels a job that is not finished; queued and retrying tasks are cancelled. Returns the job. */
  cancelJob(jobId: string, now: number): Promise<JobRecord | undefined>;
  /**
   * Deletes a finished job (done, failed, or cancelled with none of its tasks still running) with its
   * tasks and skipped entries, in one transaction; its documents and their results stay, as other jobs
   * may share them. "active" (nothing changes) when the job is unpacking, running, or a task of it is
   * still running; "missing" when there is no such job.
   */
  deleteJob(jobId: string): Promise<"deleted" | "active" | "missing">;

  // Tasks (the queue)
  /**
   * Adds the task for `path` or, when the path already has one, marks it as seen by `scan`; when the
   * path now holds other bytes, the task starts over for the new document. False when this scan has
   * already given the path a task (two entries with one name): nothing changes then.
   */
  upsertTask(jobId: string, path: string, documentId: string, scan: number): Promise<boolean>;
  addSkipped(jobId: string, entry: SkippedEntry, scan: number): Promise<void>;
  /** Claims the job's next queued (or due retrying) task for `owner`, or undefined when none is ready. */
  claimTask(jobId: string, owner: string, now: number): Promise<TaskRecord | undefined>;
  /** Marks a running task done with its result (or with an earlier result's id, when reused). */
  completeTask(
    taskId: number,
    owner: string,
    outcome: { result: NewResult } | { reusedResultId: number },
    now: number,
  ): Promise<boolean>;
  /** A running task failed: it is retried at `retryAt`, or failed for good when that is undefined. */
  failTask(
    taskId: number,
    owner: string,
    error: StoredError,
    retryAt: number | undefined,
    now: number,
  ): Promise<boolean>;
  /**
   * A running task goes back to the queue as it was before its claim, its attempt not counted
   * (shutdown), or is cancelled (its job was).
   */
  releaseTask(taskId: number, owner: string, to: "queued" | "cancelled", now: number): Promise<boolean>;
  /**
   * The claimed task's work begins: from now on, its worker's death counts as one of its crashes. A
   * task claimed but held back (to run alone later) is not blamed for a death meanwhile.
   */
  startTask(taskId: number, owner: string): Promise<boolean>;
  getTask(taskId: number): Promise<TaskRecord | undefined>;
  /** The job's tasks in source order, `limit` at a time after task id `after`. */
  listTasks(
    jobId: string,
    options: { after?: number; limit: number; state?: TaskState },
  ): Promise<TaskRecord[]>;
  listSkipped(jobId: string, options: { offset?: number; limit: number }): Promise<SkippedEntry[]>;
  countTasks(jobId: string, since: number): Promise<TaskCounts>;
  /** Earliest time a retrying task of these jobs becomes due, if any. */
  nextRetryAt(jobIds: readonly string[]): Promise<number | undefined>;

  // Results
  findResult(documentId: string, fingerprint: string, tenant: string): Promise<ResultRecord | undefined>;
  getResult(id: number): Promise<ResultRecord | undefined>;
  /** The tenant's most recent result of the document, for one profile when named. */
  latestResult(documentId: string, tenant: string, profile?: string): Promise<ResultRecord | undefined>;
  listResults(documentId: string, tenant: string): Promise<ResultSummary[]>;
  /**
   * The latest result of each (document, profile) pair, newest first, `limit` at a time: a document
   * with results for two profiles is listed twice, once per profile; one run again with the same profile
   * is listed once. Filters: the profile, the media type, and `name`, a substring of the name compared
   * without regard to case (Unicode lower case, both sides in NFC), its characters taken literally.
   * `next` is as for listRecentJobs: the pages after `before` never repeat a pair nor skip one that was
   * there when the first page was read, but for a pair that gets a newer result meanwhile: it moves
   * ahead of the first page (its older result is no longer the latest), out of the pages that follow.
   */
  listLatestResults(options: {
    /** Only this tenant's results. */
    tenant: string;
    limit: number;
    before?: string;
    profile?: string;
    mediaType?: string;
    name?: string;
    /** Only the pairs whose record is in this state; a pair without a record is unreviewed. */
    review?: DocumentReviewState;
  }): Promise<{ results: ResultSummary[]; next?: string }>;

  // Reviewed records (review/)
  /** The tenant's record of the document for the profile; undefined before its first correction. */
  getReview(documentId: string, tenant: string, profile: string): Promise<ReviewRecordRow | undefined>;
  /**
   * Stores the record at its new revision with that revision's row, in one transaction, only when the
   * stored record is still at `record.revision - 1` (none stored for revision 1): false, and nothing
   * changes, when another revision was stored meanwhile. Two editors saving one revision: one wins.
   */
  saveReview(record: ReviewRecordRow, revision: RevisionRow): Promise<boolean>;
  /** The record's revisions, oldest first; none before the first correction. */
  listRevisions(documentId: string, tenant: string, profile: string): Promise<RevisionRow[]>;
  /** The figures of the tenant's records among these (document, profile) pairs; pairs without one are left out. */
  reviewSummaries(
    tenant: string,
    pairs: readonly { documentId: string; profile: string }[],
  ): Promise<ReviewSummary[]>;
  /**
   * The review of the documents a job's done tasks hold, for the job's profile, added up: a document
   * without a record counts its result's mentions as unreviewed. A document held by two tasks counts twice.
   */
  jobReviewCounts(jobId: string): Promise<JobReviewCounts>;

  // Hard failures of documents (jobs/failure-memory.ts)
  /** Remembers that the document failed so under `key`; a second failure for the same key keeps the first. */
  rememberFailure(documentId: string, key: string, error: StoredError, now: number): Promise<void>;
  /** The failure remembered for the document under `key`; none once the document is deleted. */
  findFailure(documentId: string, key: string): Promise<StoredError | undefined>;

  // Model-response cache
  getCachedResponse(key: string): Promise<string | undefined>;
  putCachedResponse(key: string, value: string, now: number): Promise<void>;

  // API keys, sessions and usage
  createKey(key: KeyRecord): Promise<void>;
  getKey(id: string): Promise<KeyRecord | undefined>;
  /** Every key, revoked ones too, oldest first. */
  listKeys(): Promise<KeyRecord[]>;
  /** Revokes the key and ends its sessions; false when there is no such key or it was revoked already. */
  revokeKey(id: string, now: number): Promise<boolean>;
  /** Whether a key was ever created (revoked ones count: revoking every key does not open the service). */
  hasKeys(): Promise<boolean>;
  /** Stores a session, forgetting those that expired before `session.createdAt`. */
  createSession(session: SessionRecord): Promise<void>;
  /** The key of a session that has not expired at `now` and whose key is not revoked. */
  findSession(hash: string, now: number): Promise<KeyRecord | undefined>;
  deleteSession(hash: string): Promise<void>;
  /** Adds pages read by OCR for the key on `day` (YYYY-MM-DD, UTC). */
  addOcrPages(keyId: string, day: string, pages: number): Promise<void>;
  ocrPages(keyId: string, day: string): Promise<number>;

  // Workers (crash recovery)
  heartbeat(worker: WorkerRecord): Promise<void>;
  /** Every registered worker; `now` is the caller's clock, used only by stores that have none of their own. */
  listWorkers(now: number): Promise<ListedWorker[]>;
  /**
   * Forgets a worker: its running tasks go back to the queue (as after a crash: their attempt counts,
   * and a crash for those started) and its unpacking jobs are released. Returns the number of tasks
   * requeued.
   */
  removeWorker(id: string, now: number): Promise<number>;

  // Notifications
  /** Calls `listener` after each committed change (see the contract above); returns the unsubscribe. */
  watch(listener: (change: StoreChange) => void): () => void;

  close(): Promise<void>;
}
