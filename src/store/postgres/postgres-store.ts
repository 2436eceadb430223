/**
 * The store on a PostgreSQL server, for an API and workers spread over many machines: every state
 * change is one transaction, claimTask takes a task with FOR UPDATE SKIP LOCKED (two workers never take
 * one task, nor wait for each other), and each change is announced with NOTIFY in its own transaction,
 * so every process hears it once it is committed (LISTEN, see watch).
 *
 * A transaction whose connection broke during its commit is not simply run again (database.ts asks the
 * server whether it committed). Were it run again all the same, each writing method (here, in queue.ts,
 * results.ts and access.ts) says why that is harmless: transitions are guarded by the task's state and
 * owner, inserts are ON CONFLICT DO NOTHING. The exceptions (claimTask would claim a second task,
 * addOcrPages count the pages twice) are why the commit is checked rather than assumed.
 *
 * Transitions that may finish a job lock the job's row first (lockJob), so that two workers finishing
 * its last two tasks at once do not each see the other's task still running and leave the job running.
 */
import { DEFAULT_TENANT } from "../../auth/roles.js";
import { pageOf } from "../paging.js";
import type {
  DocumentRecord,
  JobKind,
  JobRecord,
  JobReviewCounts,
  JobState,
  KeyRecord,
  ListedWorker,
  NewJob,
  NewResult,
  ResultRecord,
  ResultSummary,
  ReviewRecordRow,
  ReviewSummary,
  RevisionRow,
  SessionRecord,
  SkippedEntry,
  Store,
  StoreChange,
  StoredError,
  TaskCounts,
  TaskRecord,
  TaskState,
  WorkerRecord,
} from "../port.js";
import { PostgresAccess } from "./access.js";
import { PgDatabase, type PgDatabaseOptions, type PgQueryable } from "./database.js";
import { lockJob, own, settleJob } from "./job-statements.js";
import { listRecentJobsStatement } from "./listings.js";
import { PostgresQueue } from "./queue.js";
import { PostgresResults } from "./results.js";
import { PostgresReviews } from "./reviews.js";
import { type DocumentRow, type PgJobRow, TASK_FROM, toDocument, toJob } from "./rows.js";
import { StoreWatch, type Transaction } from "./watch.js";

export class PostgresStore implements Store {
  private readonly changes: StoreWatch;
  private readonly queue: PostgresQueue;
  private readonly results: PostgresResults;
  private readonly access: PostgresAccess;
  private readonly reviews: PostgresReviews;

  /** The store owns `db`: closing the store closes it. */
  constructor(private readonly db: PgDatabase) {
    this.changes = new StoreWatch(db, () => this.unfinishedJobs());
    this.queue = new PostgresQueue(db, (work) => this.write(work));
    this.results = new PostgresResults(db);
    this.access = new PostgresAccess(db);
    this.reviews = new PostgresReviews(db, (work) => this.write(work));
  }

  /** Connects (see PgDatabase.open) and resolves once watchers hear every process's changes. */
  static async open(url: string, options: PgDatabaseOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(await PgDatabase.open(url, options));
    await store.watching();
    return store;
  }

  watch(listener: (change: StoreChange) => void): () => void {
    return this.changes.watch(listener);
  }

  /**
   * Resolves once the changes of every process are heard (the LISTEN, asked for at construction, is
   * in place): from then on, a watcher added hears every change committed after it was added.
   */
  watching(): Promise<void> {
    return this.db.whenListening();
  }

  private write<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.changes.write(work);
  }

  private async unfinishedJobs(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      "SELECT id FROM jobs WHERE state IN ('unpacking', 'running') ORDER BY seq",
    );
    return rows.map((row) => row.id);
  }

  // Run twice: the second insert does nothing.
  async putDocument(document: DocumentRecord): Promise<void> {
    await this.db.query(
      "INSERT INTO documents (id, byte_length, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [document.id, document.byteLength, document.createdAt],
    );
  }

  async getDocument(id: string, tenant: string): Promise<DocumentRecord | undefined> {
    const [row] = await this.db.query<DocumentRow>(
      `SELECT documents.id, documents.byte_length, document_owners.created_at FROM documents
       JOIN document_owners ON document_owners.document_id = documents.id
       WHERE documents.id = $1 AND document_owners.tenant = $2`,
      [id, tenant],
    );
    return row && toDocument(row);
  }

  // Run twice: the second run finds the tenant owns no such document ("missing").
  async deleteDocument(
    documentId: string,
    tenant: string,
  ): Promise<
    { outcome: "deleted"; orphaned: boolean } | { outcome: "in-use"; jobId: string } | { outcome: "missing" }
  > {
    return this.write(async (tx) => {
      // Locking the document makes a job that is creating a task on it wait for the outcome.
      await tx.query("SELECT 1 FROM documents WHERE id = $1 FOR UPDATE", [documentId]);
      const [owned] = await tx.query(
        "SELECT 1 FROM document_owners WHERE tenant = $1 AND document_id = $2 FOR UPDATE",
        [tenant, documentId],
      );
      if (!owned) return { outcome: "missing" };
      // A running task of a cancelled job is still being worked on: its worker would write a result.
      const [user] = await tx.query<{ id: string }>(
        `SELECT jobs.id FROM ${TASK_FROM} WHERE tasks.document_id = $1 AND jobs.tenant = $2
           AND (jobs.state IN ('unpacking', 'running') OR tasks.state = 'running') LIMIT 1`,
        [documentId, tenant],
      );
      if (user) return { outcome: "in-use", jobId: user.id };
      // In this order for the foreign keys: tasks refer to results, both to the document.
      const touched = await tx.query<{ seq: number; id: string }>(
        `DELETE FROM tasks USING jobs WHERE jobs.seq = tasks.job_seq AND tasks.document_id = $1
           AND jobs.tenant = $2 RETURNING jobs.seq, jobs.id`,
        [documentId, tenant],
      );
      const seqs = [...new Set(touched.map((row) => row.seq))];
      // A document job was this document's job: without it, it is an empty job with no name left.
      await tx.query(
        `DELETE FROM jobs WHERE seq = ANY($1) AND kind = 'document'
           AND NOT EXISTS (SELECT 1 FROM tasks WHERE job_seq = jobs.seq)`,
        [seqs],
      );
      for (const jobId of new Set(touched.map((row) => row.id))) tx.changed({ kind: "job", jobId });
      // Records refer to results; their revisions go with them (ON DELETE CASCADE).
      await tx.query("DELETE FROM reviews WHERE document_id = $1 AND tenant = $2", [documentId, tenant]);
      await tx.query("DELETE FROM results WHERE document_id = $1 AND tenant = $2", [documentId, tenant]);
      await tx.query("DELETE FROM document_owners WHERE tenant = $1 AND document_id = $2", [
        tenant,
        documentId,
      ]);
      const [owner] = await tx.query("SELECT 1 FROM document_owners WHERE document_id = $1 LIMIT 1", [
        documentId,
      ]);
      // Its remembered failures go with it (ON DELETE CASCADE).
      if (!owner) await tx.query("DELETE FROM documents WHERE id = $1", [documentId]);
      return { outcome: "deleted", orphaned: !owner };
    });
  }

  async storedBytes(tenant: string): Promise<number> {
    const [row] = await this.db.query<{ bytes: number }>(
      `SELECT coalesce(sum(documents.byte_length), 0)::bigint AS bytes FROM document_owners
       JOIN documents ON documents.id = document_owners.document_id WHERE document_owners.tenant = $1`,
      [tenant],
    );
    return row?.bytes ?? 0;
  }

  // Run twice: the job's id is unique, the second run fails; it is only run again when the first did
  // not commit (database.ts).
  async createJob(job: NewJob, tasks: readonly { path: string; documentId: string }[] = []): Promise<void> {
    await this.write(async (tx) => {
      const [row] = await tx.query<{ seq: number }>(
        `INSERT INTO jobs (id, tenant, created_by, kind, state, spec, key, request_id, error, owner, created_at,
           finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq`,
        [
          job.id,
          job.tenant ?? DEFAULT_TENANT,
          job.createdBy ?? null,
          job.kind,
          job.state,
          JSON.stringify(job.spec),
          job.key ?? null,
          job.requestId ?? null,
          job.error ? JSON.stringify(job.error) : null,
          job.owner ?? null,
          job.createdAt,
          job.finishedAt ?? null,
        ],
      );
      const seq = row?.seq as number;
      tx.changed({ kind: "job", jobId: job.id });
      if (tasks.length === 0) return;
      // One statement for all the tasks, however many (an archive of 100,000 entries).
      await tx.query(
        `INSERT INTO tasks (job_seq, path, document_id, state, scan)
         SELECT $1, entry.path, entry.document_id, 'queued', 0
         FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS entry (path, document_id, position)
         ORDER BY entry.position`,
        [seq, tasks.map((task) => task.path), tasks.map((task) => task.documentId)],
      );
      await own(
        tx,
        seq,
        tasks.map((task) => task.documentId),
      );
      tx.changed({ kind: "work" });
    });
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const [row] = await this.db.query<PgJobRow>("SELECT * FROM jobs WHERE id = $1", [id]);
    return row && toJob(row);
  }

  async findJobByKey(key: string): Promise<JobRecord | undefined> {
    const [row] = await this.db.query<PgJobRow>(
      "SELECT * FROM jobs WHERE key = $1 AND state != 'cancelled' ORDER BY seq DESC LIMIT 1",
      [key],
    );
    return row && toJob(row);
  }

  async listJobs(state: JobState): Promise<JobRecord[]> {
    return (await this.db.query<PgJobRow>("SELECT * FROM jobs WHERE state = $1 ORDER BY seq", [state])).map(
      toJob,
    );
  }

  async countActiveJobs(keyId: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM jobs WHERE created_by = $1 AND state IN ('unpacking', 'running')",
      [keyId],
    );
    return row?.n ?? 0;
  }

  async listRecentJobs(options: {
    tenant: string;
    limit: number;
    before?: string;
    kind?: JobKind;
    state?: JobState;
  }): Promise<{ jobs: JobRecord[]; next?: string }> {
    const { text, values } = listRecentJobsStatement(options);
    const { page, ...next } = pageOf(
      await this.db.query<PgJobRow>(text, values),
      options.limit,
      (row) => row.seq,
    );
    return { jobs: page.map(toJob), ...next };
  }

  // Run twice: the owner may claim its own job again; the scan goes up once more, and the new one is
  // the one returned.
  async claimUnpacking(jobId: string, owner: string): Promise<number | undefined> {
    return this.write(async (tx) => {
      const [row] = await tx.query<{ scan: number }>(
        `UPDATE jobs SET owner = $2, scan = scan + 1, state = 'unpacking', error = NULL, finished_at = NULL
         WHERE id = $1 AND state != 'cancelled' AND (owner IS NULL OR owner = $2) RETURNING scan`,
        [jobId, owner],
      );
      if (row) tx.changed({ kind: "job", jobId });
      return row?.scan;
    });
  }

  // Run twice: the tasks of older scans are gone already, retryable failures queued already, and the
  // job is no longer unpacking.
  async finishUnpacking(jobId: string, scan: number, now: number): Promise<void> {
    await this.write(async (tx) => {
      const seq = await lockJob(tx, jobId);
      if (seq === undefined) return;
      await tx.query("DELETE FROM tasks WHERE job_seq = $1 AND scan < $2 AND state != 'running'", [
        seq,
        scan,
      ]);
      await tx.query("DELETE FROM skipped WHERE job_seq = $1 AND scan < $2", [seq, scan]);
      await tx.query(
        `UPDATE tasks SET state = 'queued', attempts = 0, crashes = 0, error = NULL, finished_at = NULL
         WHERE job_seq = $1 AND state = 'failed' AND (error::jsonb ->> 'retryable')::boolean`,
        [seq],
      );
      await tx.query(
        "UPDATE jobs SET state = 'running', owner = NULL WHERE seq = $1 AND state = 'unpacking'",
        [seq],
      );
      await settleJob(tx, seq, now);
      tx.changed({ kind: "job", jobId });
      tx.changed({ kind: "work" });
    });
  }

  // Run twice: the job is failed already (the same error), nothing is left waiting to cancel.
  async failJob(jobId: string, error: StoredError, now: number): Promise<void> {
    await this.write(async (tx) => {
      const seq = await lockJob(tx, jobId);
      if (seq === undefined) return;
      await tx.query(
        "UPDATE jobs SET state = 'failed', error = $2, owner = NULL, finished_at = $3 WHERE seq = $1 AND state != 'cancelled'",
        [seq, JSON.stringify(error), now],
      );
      await this.cancelWaiting(tx, seq, now);
      tx.changed({ kind: "job", jobId });
    });
  }

  private async cancelWaiting(tx: PgQueryable, seq: number, now: number): Promise<void> {
    await tx.query(
      "UPDATE tasks SET state = 'cancelled', finished_at = $2 WHERE job_seq = $1 AND state IN ('queued', 'retrying')",
      [seq, now],
    );
  }

  // Run twice: the job is cancelled already, and returned as it is.
  async cancelJob(jobId: string, now: number): Promise<JobRecord | undefined> {
    return this.write(async (tx) => {
      const seq = await lockJob(tx, jobId);
      if (seq === undefined) return undefined;
      await tx.query(
        "UPDATE jobs SET state = 'cancelled', owner = NULL, finished_at = $2 WHERE seq = $1 AND state IN ('unpacking', 'running')",
        [seq, now],
      );
      await this.cancelWaiting(tx, seq, now);
      tx.changed({ kind: "job", jobId });
      const [row] = await tx.query<PgJobRow>("SELECT * FROM jobs WHERE seq = $1", [seq]);
      return row && toJob(row);
    });
  }

  // Run twice: the job is gone, the second run answers "missing".
  async deleteJob(jobId: string): Promise<"deleted" | "active" | "missing"> {
    return this.write(async (tx) => {
      const [job] = await tx.query<{ seq: number; state: JobState }>(
        "SELECT seq, state FROM jobs WHERE id = $1 FOR UPDATE",
        [jobId],
      );
      if (!job) return "missing";
      const [running] = await tx.query(
        "SELECT 1 FROM tasks WHERE job_seq = $1 AND state = 'running' LIMIT 1",
        [job.seq],
      );
      if (job.state === "unpacking" || job.state === "running" || running) return "active";
      // Its tasks and skipped entries go with it (ON DELETE CASCADE).
      await tx.query("DELETE FROM jobs WHERE seq = $1", [job.seq]);
      tx.changed({ kind: "job", jobId });
      return "deleted";
    });
  }

  upsertTask(jobId: string, path: string, documentId: string, scan: number): Promise<boolean> {
    return this.queue.upsertTask(jobId, path, documentId, scan);
  }

  addSkipped(jobId: string, entry: SkippedEntry, scan: number): Promise<void> {
    return this.queue.addSkipped(jobId, entry, scan);
  }

  claimTask(jobId: string, owner: string, now: number): Promise<TaskRecord | undefined> {
    return this.queue.claimTask(jobId, owner, now);
  }

  completeTask(
    taskId: number,
    owner: string,
    outcome: { result: NewResult } | { reusedResultId: number },
    now: number,
  ): Promise<boolean> {
    return this.queue.completeTask(taskId, owner, outcome, now);
  }

  failTask(
    taskId: number,
    owner: string,
    error: StoredError,
    retryAt: number | undefined,
    now: number,
  ): Promise<boolean> {
    return this.queue.failTask(taskId, owner, error, retryAt, now);
  }

  releaseTask(taskId: number, owner: string, to: "queued" | "cancelled", now: number): Promise<boolean> {
    return this.queue.releaseTask(taskId, owner, to, now);
  }

  startTask(taskId: number, owner: string): Promise<boolean> {
    return this.queue.startTask(taskId, owner);
  }

  getTask(taskId: number): Promise<TaskRecord | undefined> {
    return this.queue.getTask(taskId);
  }

  listTasks(
    jobId: string,
    options: { after?: number; limit: number; state?: TaskState },
  ): Promise<TaskRecord[]> {
    return this.queue.listTasks(jobId, options);
  }

  listSkipped(jobId: string, options: { offset?: number; limit: number }): Promise<SkippedEntry[]> {
    return this.queue.listSkipped(jobId, options);
  }

  countTasks(jobId: string, since: number): Promise<TaskCounts> {
    return this.queue.countTasks(jobId, since);
  }

  nextRetryAt(jobIds: readonly string[]): Promise<number | undefined> {
    return this.queue.nextRetryAt(jobIds);
  }

  findResult(documentId: string, fingerprint: string, tenant: string): Promise<ResultRecord | undefined> {
    return this.results.findResult(documentId, fingerprint, tenant);
  }

  getResult(id: number): Promise<ResultRecord | undefined> {
    return this.results.getResult(id);
  }

  latestResult(documentId: string, tenant: string, profile?: string): Promise<ResultRecord | undefined> {
    return this.results.latestResult(documentId, tenant, profile);
  }

  listResults(documentId: string, tenant: string): Promise<ResultSummary[]> {
    return this.results.listResults(documentId, tenant);
  }

  listLatestResults(options: Parameters<Store["listLatestResults"]>[0]): Promise<{
    results: ResultSummary[];
    next?: string;
  }> {
    return this.results.listLatestResults(options);
  }

  getReview(documentId: string, tenant: string, profile: string): Promise<ReviewRecordRow | undefined> {
    return this.reviews.getReview(documentId, tenant, profile);
  }

  saveReview(record: ReviewRecordRow, revision: RevisionRow): Promise<boolean> {
    return this.reviews.saveReview(record, revision);
  }

  listRevisions(documentId: string, tenant: string, profile: string): Promise<RevisionRow[]> {
    return this.reviews.listRevisions(documentId, tenant, profile);
  }

  reviewSummaries(
    tenant: string,
    pairs: readonly { documentId: string; profile: string }[],
  ): Promise<ReviewSummary[]> {
    return this.reviews.reviewSummaries(tenant, pairs);
  }

  jobReviewCounts(jobId: string): Promise<JobReviewCounts> {
    return this.reviews.jobReviewCounts(jobId);
  }

  rememberFailure(documentId: string, key: string, error: StoredError, now: number): Promise<void> {
    return this.results.rememberFailure(documentId, key, error, now);
  }

  findFailure(documentId: string, key: string): Promise<StoredError | undefined> {
    return this.results.findFailure(documentId, key);
  }

  getCachedResponse(key: string): Promise<string | undefined> {
    return this.results.getCachedResponse(key);
  }

  putCachedResponse(key: string, value: string, now: number): Promise<void> {
    return this.results.putCachedResponse(key, value, now);
  }

  createKey(key: KeyRecord): Promise<void> {
    return this.access.createKey(key);
  }

  getKey(id: string): Promise<KeyRecord | undefined> {
    return this.access.getKey(id);
  }

  listKeys(): Promise<KeyRecord[]> {
    return this.access.listKeys();
  }

  revokeKey(id: string, now: number): Promise<boolean> {
    return this.access.revokeKey(id, now);
  }

  hasKeys(): Promise<boolean> {
    return this.access.hasKeys();
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.access.createSession(session);
  }

  findSession(hash: string, now: number): Promise<KeyRecord | undefined> {
    return this.access.findSession(hash, now);
  }

  deleteSession(hash: string): Promise<void> {
    return this.access.deleteSession(hash);
  }

  addOcrPages(keyId: string, day: string, pages: number): Promise<void> {
    return this.access.addOcrPages(keyId, day, pages);
  }

  ocrPages(keyId: string, day: string): Promise<number> {
    return this.access.ocrPages(keyId, day);
  }

  heartbeat(worker: WorkerRecord): Promise<void> {
    return this.queue.heartbeat(worker);
  }

  listWorkers(now: number): Promise<ListedWorker[]> {
    return this.queue.listWorkers(now);
  }

  removeWorker(id: string, now: number): Promise<number> {
    return this.queue.removeWorker(id, now);
  }

  async close(): Promise<void> {
    this.changes.close();
    await this.db.close();
  }
}
