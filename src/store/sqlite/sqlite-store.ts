/**
 * The embedded store: one SQLite file (better-sqlite3) in WAL mode, so readers (progress, exports) never
 * wait for the writer, and every state change is one transaction. The file is opened on first use:
 * commands that never touch jobs (profiles, extract) leave no database behind.
 * Several processes may share the file (server and CLI): writes take SQLite's lock (BEGIN IMMEDIATE),
 * which is what makes claimTask atomic across them.
 */
import { EventEmitter } from "node:events";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { DEFAULT_TENANT } from "../../auth/roles.js";
import type { DocumentReviewState } from "../../schemas/review.js";
import { cursorValue, foldName, pageOf } from "../paging.js";
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
import { reviewStateCondition } from "../review-rows.js";
import { SqliteAccess } from "./access.js";
import { SqliteReviews } from "./reviews.js";
import {
  type DocumentRow,
  type JobRow,
  RESULT_SUMMARY_COLUMNS,
  type ResultRow,
  type TaskRow,
  toDocument,
  toJob,
  toResult,
  toResultSummary,
  toTask,
  toWorker,
  type WorkerRow,
} from "./rows.js";
import { MIGRATIONS } from "./schema.js";

/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 10_000;

const TASK_COLUMNS = "tasks.*, jobs.id AS job_id";
const TASK_FROM = "tasks JOIN jobs ON jobs.seq = tasks.job_seq";

export class SqliteStore implements Store {
  private database: Database.Database | undefined;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly access = new SqliteAccess(
    (text) => this.sql(text),
    (work) => this.write(work),
  );
  private readonly reviews = new SqliteReviews(
    (text) => this.sql(text),
    (work) => this.write(work),
  );

  /** `path` is a file, or ":memory:" for a store that lives as long as the process. */
  /** Changes committed by this process; SQLite cannot tell of other processes' (they poll). */
  private readonly changes = new EventEmitter().setMaxListeners(0);

  constructor(private readonly path: string) {}

  watch(listener: (change: StoreChange) => void): () => void {
    this.changes.on("change", listener);
    return () => this.changes.off("change", listener);
  }

  /** Tells watchers, after the transaction: the job changed, and (`work`) tasks were queued. */
  private changed(jobId: string | undefined, work = false): void {
    if (jobId !== undefined) this.changes.emit("change", { kind: "job", jobId } satisfies StoreChange);
    if (work) this.changes.emit("change", { kind: "work" } satisfies StoreChange);
  }

  private get db(): Database.Database {
    if (this.database) return this.database;
    if (this.path !== ":memory:") mkdirSync(dirname(this.path), { recursive: true });
    const db = new Database(this.path);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("journal_mode = WAL");
    // With WAL, NORMAL loses no committed transaction on a process crash (kill -9), only on power loss.
    db.pragma("synchronous = NORMAL");
    // SQLite's own lower() and LIKE only know ASCII letters: "état" would not find "ÉTAT".
    db.function("casefold", { deterministic: true }, (text) => foldName(String(text)));
    migrate(db);
    db.pragma("foreign_keys = ON");
    this.database = db;
    return db;
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** BEGIN IMMEDIATE: take the write lock up front, so two processes never deadlock upgrading a read. */
  private write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  private jobSeq(jobId: string): number | undefined {
    return (this.sql("SELECT seq FROM jobs WHERE id = ?").get(jobId) as { seq: number } | undefined)?.seq;
  }

  /** A running job with no task left to do is done (same transaction as the last transition). */
  private settleJob(seq: number, now: number): void {
    this.sql(
      `UPDATE jobs SET state = 'done', finished_at = ? WHERE seq = ? AND state = 'running' AND NOT EXISTS
        (SELECT 1 FROM tasks WHERE job_seq = jobs.seq AND state IN ('queued', 'running', 'retrying'))`,
    ).run(now, seq);
  }

  async putDocument(document: DocumentRecord): Promise<void> {
    this.sql(
      "INSERT INTO documents (id, byte_length, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    ).run(document.id, document.byteLength, document.createdAt);
  }

  async getDocument(id: string, tenant: string): Promise<DocumentRecord | undefined> {
    const row = this.sql(
      `SELECT documents.id, documents.byte_length, document_owners.created_at FROM documents
       JOIN document_owners ON document_owners.document_id = documents.id
       WHERE documents.id = ? AND document_owners.tenant = ?`,
    ).get(id, tenant) as DocumentRow | undefined;
    return row && toDocument(row);
  }

  async deleteDocument(
    documentId: string,
    tenant: string,
  ): Promise<
    { outcome: "deleted"; orphaned: boolean } | { outcome: "in-use"; jobId: string } | { outcome: "missing" }
  > {
    return this.write(() => {
      if (
        !this.sql("SELECT 1 FROM document_owners WHERE tenant = ? AND document_id = ?").get(
          tenant,
          documentId,
        )
      )
        return { outcome: "missing" };
      // A running task of a cancelled job is still being worked on: its worker would write a result.
      const user = this.sql(
        `SELECT jobs.id FROM tasks JOIN jobs ON jobs.seq = tasks.job_seq WHERE tasks.document_id = ?
           AND jobs.tenant = ? AND (jobs.state IN ('unpacking', 'running') OR tasks.state = 'running') LIMIT 1`,
      ).get(documentId, tenant) as { id: string } | undefined;
      if (user) return { outcome: "in-use", jobId: user.id };
      const jobs = this.sql(
        `SELECT DISTINCT job_seq FROM tasks JOIN jobs ON jobs.seq = tasks.job_seq
         WHERE tasks.document_id = ? AND jobs.tenant = ?`,
      )
        .all(documentId, tenant)
        .map((row) => (row as { job_seq: number }).job_seq);
      // In this order for the foreign keys: tasks refer to results, both to the document. A task only
      // ever refers to a result of its own document and tenant.
      for (const seq of jobs) {
        this.sql("DELETE FROM tasks WHERE job_seq = ? AND document_id = ?").run(seq, documentId);
        // A document job was this document's job: without it, it is an empty job with no name left.
        this.sql(
          "DELETE FROM jobs WHERE seq = ? AND kind = 'document' AND NOT EXISTS (SELECT 1 FROM tasks WHERE job_seq = ?)",
        ).run(seq, seq);
      }
      // Records refer to results; their revisions go with them.
      this.sql("DELETE FROM reviews WHERE document_id = ? AND tenant = ?").run(documentId, tenant);
      this.sql("DELETE FROM results WHERE document_id = ? AND tenant = ?").run(documentId, tenant);
      this.sql("DELETE FROM document_owners WHERE tenant = ? AND document_id = ?").run(tenant, documentId);
      // Every tenant with a task on the document owns it: without owners, nothing refers to it.
      const orphaned = !this.sql("SELECT 1 FROM document_owners WHERE document_id = ? LIMIT 1").get(
        documentId,
      );
      if (orphaned) this.sql("DELETE FROM documents WHERE id = ?").run(documentId);
      return { outcome: "deleted", orphaned };
    });
  }

  async storedBytes(tenant: string): Promise<number> {
    return (
      this.sql(
        `SELECT TOTAL(documents.byte_length) AS bytes FROM document_owners
         JOIN documents ON documents.id = document_owners.document_id WHERE document_owners.tenant = ?`,
      ).get(tenant) as { bytes: number }
    ).bytes;
  }

  /** The job's tenant owns the document from the moment a task of the job points at it. */
  private own(seq: number, documentId: string): void {
    this.sql(
      `INSERT INTO document_owners (tenant, document_id, created_at)
       SELECT tenant, ?, created_at FROM jobs WHERE seq = ? ON CONFLICT DO NOTHING`,
    ).run(documentId, seq);
  }

  async createJob(job: NewJob, tasks: readonly { path: string; documentId: string }[] = []): Promise<void> {
    this.write(() => {
      this.insertJob(job);
      const seq = this.jobSeq(job.id) as number;
      for (const task of tasks) {
        this.sql(
          "INSERT INTO tasks (job_seq, path, document_id, state, scan) VALUES (?, ?, ?, 'queued', 0)",
        ).run(seq, task.path, task.documentId);
        this.own(seq, task.documentId);
      }
    });
    this.changed(job.id, tasks.length > 0);
  }

  private insertJob(job: NewJob): void {
    this.sql(
      `INSERT INTO jobs (id, tenant, created_by, request_id, kind, state, spec, key, error, owner, created_at,
         finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      job.id,
      job.tenant ?? DEFAULT_TENANT,
      job.createdBy ?? null,
      job.requestId ?? null,
      job.kind,
      job.state,
      JSON.stringify(job.spec),
      job.key ?? null,
      job.error ? JSON.stringify(job.error) : null,
      job.owner ?? null,
      job.createdAt,
      job.finishedAt ?? null,
    );
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const row = this.sql("SELECT * FROM jobs WHERE id = ?").get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  async findJobByKey(key: string): Promise<JobRecord | undefined> {
    const row = this.sql(
      "SELECT * FROM jobs WHERE key = ? AND state != 'cancelled' ORDER BY seq DESC LIMIT 1",
    ).get(key) as JobRow | undefined;
    return row && toJob(row);
  }

  async listJobs(state: JobState): Promise<JobRecord[]> {
    return (this.sql("SELECT * FROM jobs WHERE state = ? ORDER BY seq").all(state) as JobRow[]).map(toJob);
  }

  async countActiveJobs(keyId: string): Promise<number> {
    return (
      this.sql(
        "SELECT COUNT(*) AS n FROM jobs WHERE created_by = ? AND state IN ('unpacking', 'running')",
      ).get(keyId) as { n: number }
    ).n;
  }

  async listRecentJobs(options: {
    tenant: string;
    limit: number;
    before?: string;
    kind?: JobKind;
    state?: JobState;
  }): Promise<{ jobs: JobRecord[]; next?: string }> {
    // Only the filters asked for are in the query: "(@kind IS NULL OR kind = @kind)" would keep SQLite
    // from seeking in jobs_by_kind or jobs_by_state.
    const where = [
      "seq < @before",
      "tenant = @tenant",
      ...(options.kind ? ["kind = @kind"] : []),
      ...(options.state ? ["state = @state"] : []),
    ];
    const rows = this.sql(
      `SELECT * FROM jobs WHERE ${where.join(" AND ")} ORDER BY seq DESC LIMIT @limit`,
    ).all({
      before: options.before === undefined ? Number.MAX_SAFE_INTEGER : cursorValue(options.before, "jobs"),
      tenant: options.tenant,
      kind: options.kind,
      state: options.state,
      limit: options.limit + 1,
    }) as JobRow[];
    const { page, ...next } = pageOf(rows, options.limit, (row) => row.seq);
    return { jobs: page.map(toJob), ...next };
  }

  async claimUnpacking(jobId: string, owner: string): Promise<number | undefined> {
    const row = this.sql(
      `UPDATE jobs SET owner = @owner, scan = scan + 1, state = 'unpacking', error = NULL, finished_at = NULL
       WHERE id = @job AND state != 'cancelled' AND (owner IS NULL OR owner = @owner) RETURNING scan`,
    ).get({ owner, job: jobId }) as { scan: number } | undefined;
    if (row) this.changed(jobId);
    return row?.scan;
  }

  async finishUnpacking(jobId: string, scan: number, now: number): Promise<void> {
    this.write(() => {
      const seq = this.jobSeq(jobId);
      if (seq === undefined) return;
      this.sql("DELETE FROM tasks WHERE job_seq = ? AND scan < ? AND state != 'running'").run(seq, scan);
      this.sql("DELETE FROM skipped WHERE job_seq = ? AND scan < ?").run(seq, scan);
      this.sql(
        `UPDATE tasks SET state = 'queued', attempts = 0, crashes = 0, error = NULL, finished_at = NULL
         WHERE job_seq = ? AND state = 'failed' AND json_extract(error, '$.retryable') = 1`,
      ).run(seq);
      this.sql("UPDATE jobs SET state = 'running', owner = NULL WHERE seq = ? AND state = 'unpacking'").run(
        seq,
      );
      this.settleJob(seq, now);
    });
    this.changed(jobId, true);
  }

  async failJob(jobId: string, error: StoredError, now: number): Promise<void> {
    this.write(() => {
      const seq = this.jobSeq(jobId);
      if (seq === undefined) return;
      this.sql(
        "UPDATE jobs SET state = 'failed', error = ?, owner = NULL, finished_at = ? WHERE seq = ? AND state != 'cancelled'",
      ).run(JSON.stringify(error), now, seq);
      this.sql(
        "UPDATE tasks SET state = 'cancelled', finished_at = ? WHERE job_seq = ? AND state IN ('queued', 'retrying')",
      ).run(now, seq);
    });
    this.changed(jobId);
  }

  async cancelJob(jobId: string, now: number): Promise<JobRecord | undefined> {
    const job = this.write(() => {
      const seq = this.jobSeq(jobId);
      if (seq === undefined) return undefined;
      this.sql(
        "UPDATE jobs SET state = 'cancelled', owner = NULL, finished_at = ? WHERE seq = ? AND state IN ('unpacking', 'running')",
      ).run(now, seq);
      this.sql(
        "UPDATE tasks SET state = 'cancelled', finished_at = ? WHERE job_seq = ? AND state IN ('queued', 'retrying')",
      ).run(now, seq);
      return toJob(this.sql("SELECT * FROM jobs WHERE seq = ?").get(seq) as JobRow);
    });
    this.changed(job?.id);
    return job;
  }

  async deleteJob(jobId: string): Promise<"deleted" | "active" | "missing"> {
    return this.write(() => {
      const job = this.sql("SELECT seq, state FROM jobs WHERE id = ?").get(jobId) as
        | Pick<JobRow, "seq" | "state">
        | undefined;
      if (!job) return "missing";
      const running = this.sql("SELECT 1 FROM tasks WHERE job_seq = ? AND state = 'running' LIMIT 1").get(
        job.seq,
      );
      if (job.state === "unpacking" || job.state === "running" || running) return "active";
      // Its tasks and skipped entries go with it (ON DELETE CASCADE).
      this.sql("DELETE FROM jobs WHERE seq = ?").run(job.seq);
      return "deleted";
    });
  }

  async upsertTask(jobId: string, path: string, documentId: string, scan: number): Promise<boolean> {
    const added = this.write(() => {
      const seq = this.jobSeq(jobId);
      if (seq === undefined) throw new Error(`job ${jobId} does not exist`);
      const existing = this.sql(
        "SELECT document_id, state, scan FROM tasks WHERE job_seq = ? AND path = ?",
      ).get(seq, path) as { document_id: string; state: TaskState; scan: number } | undefined;
      if (existing?.scan === scan) return false;
      this.own(seq, documentId);
      if (!existing) {
        this.sql(
          "INSERT INTO tasks (job_seq, path, document_id, state, scan) VALUES (?, ?, ?, 'queued', ?)",
        ).run(seq, path, documentId, scan);
      } else if (existing.document_id === documentId || existing.state === "running") {
        this.sql("UPDATE tasks SET scan = ? WHERE job_seq = ? AND path = ?").run(scan, seq, path);
      } else {
        // The path holds other bytes than last time: the task starts over for the new document.
        this.sql(
          `UPDATE tasks SET document_id = ?, scan = ?, state = 'queued', attempts = 0, crashes = 0, not_before = 0,
             result_id = NULL, error = NULL, pages = NULL, chunks = NULL, model_calls = NULL, reused = NULL,
             started_at = NULL, finished_at = NULL
           WHERE job_seq = ? AND path = ?`,
        ).run(documentId, scan, seq, path);
      }
      return true;
    });
    if (added) this.changed(jobId, true);
    return added;
  }

  async addSkipped(jobId: string, entry: SkippedEntry, scan: number): Promise<void> {
    const seq = this.jobSeq(jobId);
    if (seq === undefined) throw new Error(`job ${jobId} does not exist`);
    this.sql(
      `INSERT INTO skipped (job_seq, path, reason, message, scan) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (job_seq, path) DO UPDATE SET reason = excluded.reason, message = excluded.message, scan = excluded.scan`,
    ).run(seq, entry.path, entry.reason, entry.message, scan);
  }

  async claimTask(jobId: string, owner: string, now: number): Promise<TaskRecord | undefined> {
    const task = this.write(() => {
      const seq = (
        this.sql("SELECT seq FROM jobs WHERE id = ? AND state = 'running'").get(jobId) as
          | { seq: number }
          | undefined
      )?.seq;
      if (seq === undefined) return undefined;
      // Two index lookups rather than one OR: each stays a single seek on (job_seq, state, id).
      const next = (this.sql(
        "SELECT id FROM tasks WHERE job_seq = ? AND state = 'retrying' AND not_before <= ? ORDER BY id LIMIT 1",
      ).get(seq, now) ??
        this.sql("SELECT id FROM tasks WHERE job_seq = ? AND state = 'queued' ORDER BY id LIMIT 1").get(
          seq,
        )) as { id: number } | undefined;
      if (!next) return undefined;
      this.sql(
        "UPDATE tasks SET state = 'running', owner = ?, attempts = attempts + 1, started = 0, started_at = ? WHERE id = ?",
      ).run(owner, now, next.id);
      return this.taskById(next.id);
    });
    if (task) this.changed(jobId);
    return task;
  }

  private taskById(id: number): TaskRecord | undefined {
    const row = this.sql(`SELECT ${TASK_COLUMNS} FROM ${TASK_FROM} WHERE tasks.id = ?`).get(id) as
      | TaskRow
      | undefined;
    return row && toTask(row);
  }

  /** The running task's job, when `owner` still holds it. */
  private ownedTask(taskId: number, owner: string): number | undefined {
    return (
      this.sql("SELECT job_seq FROM tasks WHERE id = ? AND state = 'running' AND owner = ?").get(
        taskId,
        owner,
      ) as { job_seq: number } | undefined
    )?.job_seq;
  }

  async completeTask(
    taskId: number,
    owner: string,
    outcome: { result: NewResult } | { reusedResultId: number },
    now: number,
  ): Promise<boolean> {
    const seq = this.write(() => {
      const seq = this.ownedTask(taskId, owner);
      if (seq === undefined) return undefined;
      let resultId: number;
      let modelCalls = 0;
      if ("result" in outcome) {
        const { result } = outcome;
        const { document_id: documentId } = this.sql("SELECT document_id FROM tasks WHERE id = ?").get(
          taskId,
        ) as { document_id: string };
        this.sql(
          `INSERT INTO results (tenant, document_id, fingerprint, profile, extraction, name, media_type, pages,
             chunks, mentions, rejected, created_at)
           VALUES ((SELECT tenant FROM jobs WHERE seq = @seq), @document, @fingerprint, @profile, @extraction,
             @name, @mediaType, @pages, @chunks, @mentions, @rejected, @now)
           ON CONFLICT (tenant, document_id, fingerprint) DO NOTHING`,
        ).run({
          seq,
          document: documentId,
          fingerprint: result.fingerprint,
          profile: result.profile,
          extraction: result.extraction,
          name: result.name,
          mediaType: result.mediaType,
          pages: result.pages,
          chunks: result.chunks,
          mentions: result.mentions,
          rejected: result.rejected,
          now,
        });
        // The first result for this key wins: a concurrent run of the same bytes reuses it.
        resultId = (
          this.sql(
            "SELECT id FROM results WHERE tenant = (SELECT tenant FROM jobs WHERE seq = ?) AND document_id = ? AND fingerprint = ?",
          ).get(seq, documentId, result.fingerprint) as { id: number }
        ).id;
        modelCalls = result.modelCalls;
      } else {
        resultId = outcome.reusedResultId;
      }
      this.sql(
        `UPDATE tasks SET state = 'done', owner = NULL, result_id = @result, error = NULL,
           pages = (SELECT pages FROM results WHERE id = @result), chunks = (SELECT chunks FROM results WHERE id = @result),
           model_calls = @calls, reused = @reused, finished_at = @now WHERE id = @task`,
      ).run({ result: resultId, calls: modelCalls, reused: "result" in outcome ? 0 : 1, now, task: taskId });
      this.settleJob(seq, now);
      return seq;
    });
    return this.transitioned(seq);
  }

  /** After a task's transition out of running: watchers hear of its job; false when there was none. */
  private transitioned(seq: number | undefined, work = false): boolean {
    if (seq === undefined) return false;
    const job = this.sql("SELECT id FROM jobs WHERE seq = ?").get(seq) as { id: string } | undefined;
    this.changed(job?.id, work);
    return true;
  }

  async failTask(
    taskId: number,
    owner: string,
    error: StoredError,
    retryAt: number | undefined,
    now: number,
  ): Promise<boolean> {
    const seq = this.write(() => {
      const seq = this.ownedTask(taskId, owner);
      if (seq === undefined) return undefined;
      if (retryAt === undefined) {
        this.sql(
          "UPDATE tasks SET state = 'failed', owner = NULL, error = ?, finished_at = ? WHERE id = ?",
        ).run(JSON.stringify(error), now, taskId);
        this.settleJob(seq, now);
      } else {
        this.sql(
          "UPDATE tasks SET state = 'retrying', owner = NULL, error = ?, not_before = ? WHERE id = ?",
        ).run(JSON.stringify(error), retryAt, taskId);
      }
      return seq;
    });
    return this.transitioned(seq);
  }

  async releaseTask(
    taskId: number,
    owner: string,
    to: "queued" | "cancelled",
    now: number,
  ): Promise<boolean> {
    const seq = this.write(() => {
      const seq = this.ownedTask(taskId, owner);
      if (seq === undefined) return undefined;
      if (to === "queued")
        // The interrupted run does not count as an attempt: the task is as it was before its claim.
        this.sql(
          "UPDATE tasks SET state = 'queued', owner = NULL, attempts = attempts - 1, started = 0 WHERE id = ?",
        ).run(taskId);
      else
        this.sql("UPDATE tasks SET state = 'cancelled', owner = NULL, finished_at = ? WHERE id = ?").run(
          now,
          taskId,
        );
      this.settleJob(seq, now);
      return seq;
    });
    return this.transitioned(seq, to === "queued");
  }

  async startTask(taskId: number, owner: string): Promise<boolean> {
    const { changes } = this.sql(
      "UPDATE tasks SET started = 1 WHERE id = ? AND owner = ? AND state = 'running'",
    ).run(taskId, owner);
    return changes > 0;
  }

  async getTask(taskId: number): Promise<TaskRecord | undefined> {
    return this.taskById(taskId);
  }

  async listTasks(
    jobId: string,
    options: { after?: number; limit: number; state?: TaskState },
  ): Promise<TaskRecord[]> {
    const rows = this.sql(
      `SELECT ${TASK_COLUMNS} FROM ${TASK_FROM}
       WHERE jobs.id = @job AND tasks.id > @after AND (@state IS NULL OR tasks.state = @state)
       ORDER BY tasks.id LIMIT @limit`,
    ).all({ job: jobId, after: options.after ?? 0, state: options.state ?? null, limit: options.limit });
    return (rows as TaskRow[]).map(toTask);
  }

  async listSkipped(jobId: string, options: { offset?: number; limit: number }): Promise<SkippedEntry[]> {
    return this.sql(
      `SELECT path, reason, message FROM skipped WHERE job_seq = (SELECT seq FROM jobs WHERE id = ?)
       ORDER BY path LIMIT ? OFFSET ?`,
    ).all(jobId, options.limit, options.offset ?? 0) as SkippedEntry[];
  }

  async countTasks(jobId: string, since: number): Promise<TaskCounts> {
    const seq = this.jobSeq(jobId);
    const counts: TaskCounts = {
      byState: { queued: 0, running: 0, retrying: 0, done: 0, failed: 0, cancelled: 0 },
      skipped: 0,
      pages: 0,
      chunks: 0,
      modelCalls: 0,
      reused: 0,
      recent: { finished: 0 },
    };
    if (seq === undefined) return counts;
    const groups = this.sql(
      `SELECT state, COUNT(*) AS n, TOTAL(pages) AS pages, TOTAL(chunks) AS chunks,
         TOTAL(model_calls) AS model_calls, TOTAL(reused) AS reused
       FROM tasks WHERE job_seq = ? GROUP BY state`,
    ).all(seq) as {
      state: TaskState;
      n: number;
      pages: number;
      chunks: number;
      model_calls: number;
      reused: number;
    }[];
    for (const group of groups) {
      counts.byState[group.state] = group.n;
      counts.pages += group.pages;
      counts.chunks += group.chunks;
      counts.modelCalls += group.model_calls;
      counts.reused += group.reused;
    }
    counts.skipped = (
      this.sql("SELECT COUNT(*) AS n FROM skipped WHERE job_seq = ?").get(seq) as { n: number }
    ).n;
    const recent = this.sql(
      `SELECT COUNT(*) AS n, MIN(started_at) AS first FROM tasks
       WHERE job_seq = ? AND finished_at >= ? AND state IN ('done', 'failed')`,
    ).get(seq, since) as { n: number; first: number | null };
    counts.recent = {
      finished: recent.n,
      ...(recent.first === null ? {} : { firstStartedAt: recent.first }),
    };
    return counts;
  }

  async nextRetryAt(jobIds: readonly string[]): Promise<number | undefined> {
    let earliest: number | undefined;
    for (const jobId of jobIds) {
      const row = this.sql(
        `SELECT MIN(not_before) AS at FROM tasks
         WHERE job_seq = (SELECT seq FROM jobs WHERE id = ?) AND state = 'retrying'`,
      ).get(jobId) as { at: number | null };
      if (row.at !== null && (earliest === undefined || row.at < earliest)) earliest = row.at;
    }
    return earliest;
  }

  async findResult(
    documentId: string,
    fingerprint: string,
    tenant: string,
  ): Promise<ResultRecord | undefined> {
    const row = this.sql(
      "SELECT * FROM results WHERE tenant = ? AND document_id = ? AND fingerprint = ?",
    ).get(tenant, documentId, fingerprint) as ResultRow | undefined;
    return row && toResult(row);
  }

  async getResult(id: number): Promise<ResultRecord | undefined> {
    const row = this.sql("SELECT * FROM results WHERE id = ?").get(id) as ResultRow | undefined;
    return row && toResult(row);
  }

  async latestResult(
    documentId: string,
    tenant: string,
    profile?: string,
  ): Promise<ResultRecord | undefined> {
    const row = this.sql(
      `SELECT * FROM results WHERE document_id = @document AND tenant = @tenant
         AND (@profile IS NULL OR profile = @profile)
       ORDER BY id DESC LIMIT 1`,
    ).get({ document: documentId, tenant, profile: profile ?? null }) as ResultRow | undefined;
    return row && toResult(row);
  }

  async listResults(documentId: string, tenant: string): Promise<ResultSummary[]> {
    const rows = this.sql(
      `SELECT ${RESULT_SUMMARY_COLUMNS} FROM results WHERE document_id = ? AND tenant = ? ORDER BY id`,
    ).all(documentId, tenant) as Omit<ResultRow, "extraction">[];
    return rows.map(toResultSummary);
  }

  async listLatestResults(options: {
    tenant: string;
    limit: number;
    before?: string;
    profile?: string;
    mediaType?: string;
    name?: string;
    review?: DocumentReviewState;
  }): Promise<{ results: ResultSummary[]; next?: string }> {
    // As in listRecentJobs, only the filters asked for, so that a profile's results are a seek in
    // results_by_profile. A result is its pair's latest when no newer one of the pair exists, whatever
    // the cursor: a pair listed on an earlier page is not listed again with an older result.
    const where = [
      "id < @before",
      "tenant = @tenant",
      ...(options.profile === undefined ? [] : ["profile = @profile"]),
      ...(options.mediaType === undefined ? [] : ["media_type = @mediaType"]),
      ...(options.name === undefined ? [] : ["instr(casefold(name), @name) > 0"]),
      ...(options.review === undefined ? [] : [reviewStateCondition(options.review, "@review")]),
      `NOT EXISTS (SELECT 1 FROM results AS newer WHERE newer.document_id = results.document_id
         AND newer.tenant = results.tenant AND newer.profile = results.profile AND newer.id > results.id)`,
    ];
    const rows = this.sql(
      `SELECT ${RESULT_SUMMARY_COLUMNS} FROM results WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT @limit`,
    ).all({
      before:
        options.before === undefined ? Number.MAX_SAFE_INTEGER : cursorValue(options.before, "documents"),
      tenant: options.tenant,
      profile: options.profile,
      mediaType: options.mediaType,
      name: options.name === undefined ? undefined : foldName(options.name),
      review: options.review,
      limit: options.limit + 1,
    }) as Omit<ResultRow, "extraction">[];
    const { page, ...next } = pageOf(rows, options.limit, (row) => row.id);
    return { results: page.map(toResultSummary), ...next };
  }

  async getReview(documentId: string, tenant: string, profile: string): Promise<ReviewRecordRow | undefined> {
    return this.reviews.getReview(documentId, tenant, profile);
  }

  async saveReview(record: ReviewRecordRow, revision: RevisionRow): Promise<boolean> {
    return this.reviews.saveReview(record, revision);
  }

  async listRevisions(documentId: string, tenant: string, profile: string): Promise<RevisionRow[]> {
    return this.reviews.listRevisions(documentId, tenant, profile);
  }

  async reviewSummaries(
    tenant: string,
    pairs: readonly { documentId: string; profile: string }[],
  ): Promise<ReviewSummary[]> {
    return this.reviews.reviewSummaries(tenant, pairs);
  }

  async jobReviewCounts(jobId: string): Promise<JobReviewCounts> {
    return this.reviews.jobReviewCounts(jobId);
  }

  async rememberFailure(documentId: string, key: string, error: StoredError, now: number): Promise<void> {
    this.sql(
      "INSERT INTO document_failures (document_id, key, error, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ).run(documentId, key, JSON.stringify(error), now);
  }

  async findFailure(documentId: string, key: string): Promise<StoredError | undefined> {
    const row = this.sql("SELECT error FROM document_failures WHERE document_id = ? AND key = ?").get(
      documentId,
      key,
    ) as { error: string } | undefined;
    return row && (JSON.parse(row.error) as StoredError);
  }

  async getCachedResponse(key: string): Promise<string | undefined> {
    return (this.sql("SELECT value FROM responses WHERE key = ?").get(key) as { value: string } | undefined)
      ?.value;
  }

  async putCachedResponse(key: string, value: string, now: number): Promise<void> {
    this.sql("INSERT INTO responses (key, value, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING").run(
      key,
      value,
      now,
    );
  }

  async createKey(key: KeyRecord): Promise<void> {
    this.access.createKey(key);
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    return this.access.getKey(id);
  }

  async listKeys(): Promise<KeyRecord[]> {
    return this.access.listKeys();
  }

  async revokeKey(id: string, now: number): Promise<boolean> {
    return this.access.revokeKey(id, now);
  }

  async hasKeys(): Promise<boolean> {
    return this.access.hasKeys();
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.access.createSession(session);
  }

  async findSession(hash: string, now: number): Promise<KeyRecord | undefined> {
    return this.access.findSession(hash, now);
  }

  async deleteSession(hash: string): Promise<void> {
    this.access.deleteSession(hash);
  }

  async addOcrPages(keyId: string, day: string, pages: number): Promise<void> {
    this.access.addOcrPages(keyId, day, pages);
  }

  async ocrPages(keyId: string, day: string): Promise<number> {
    return this.access.ocrPages(keyId, day);
  }

  async heartbeat(worker: WorkerRecord): Promise<void> {
    this.sql(
      `INSERT INTO workers (id, host, pid, heartbeat_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
    ).run(worker.id, worker.host, worker.pid, worker.heartbeatAt);
  }

  /** Every process sharing a SQLite file runs on this machine, under one clock: the caller's. */
  async listWorkers(now: number): Promise<ListedWorker[]> {
    return (this.sql("SELECT * FROM workers ORDER BY id").all() as WorkerRow[])
      .map(toWorker)
      .map((worker) => ({ ...worker, silentMs: now - worker.heartbeatAt }));
  }

  async removeWorker(id: string, now: number): Promise<number> {
    const jobIds = (
      this.sql(
        `SELECT DISTINCT jobs.id FROM ${TASK_FROM} WHERE tasks.owner = ? AND tasks.state = 'running'`,
      ).all(id) as { id: string }[]
    ).map((job) => job.id);
    const requeued = this.write(() => {
      // A cancelled job's task is not worth running again.
      this.sql(
        `UPDATE tasks SET owner = NULL, state = 'cancelled', finished_at = ? WHERE owner = ? AND state = 'running'
         AND (SELECT state FROM jobs WHERE seq = tasks.job_seq) = 'cancelled'`,
      ).run(now, id);
      const { changes } = this.sql(
        `UPDATE tasks SET owner = NULL, state = 'queued', crashes = crashes + started, started = 0
         WHERE owner = ? AND state = 'running'`,
      ).run(id);
      this.sql("UPDATE jobs SET owner = NULL WHERE owner = ?").run(id);
      this.sql("DELETE FROM workers WHERE id = ?").run(id);
      return changes;
    });
    for (const jobId of jobIds) this.changed(jobId);
    this.changed(undefined, requeued > 0);
    return requeued;
  }

  async close(): Promise<void> {
    this.database?.close();
    this.database = undefined;
    this.statements.clear();
  }
}

/**
 * Applies the migrations the file lacks, in one transaction, with foreign keys off (the pragma has no
 * effect inside a transaction): dropping a table that others refer to, to rebuild it, would fail.
 */
function migrate(db: Database.Database): void {
  db.pragma("foreign_keys = OFF");
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > MIGRATIONS.length)
      throw new Error(
        `The database was written by a newer Palimpsest (schema ${version}, this one knows ${MIGRATIONS.length}).`,
      );
    const pending = MIGRATIONS.slice(version);
    for (const migration of pending) db.exec(migration);
    // Only after a migration: on a large file the check reads every reference.
    if (pending.length > 0 && (db.pragma("foreign_key_check") as unknown[]).length > 0)
      throw new Error(
        "A schema migration would break references between tables; the database is left as it was.",
      );
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
