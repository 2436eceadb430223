/**
 * The queue side of the PostgreSQL store: tasks claimed, finished, failed or released by workers, their
 * listings and counts, and the workers' heartbeats (see postgres-store.ts for what every transition
 * promises). claimTask takes a task with FOR UPDATE SKIP LOCKED: two workers never take one task, and
 * never wait for each other.
 */

import { foldName } from "../paging.js";
import type {
  ListedWorker,
  NewResult,
  SkippedEntry,
  StoredError,
  TaskCounts,
  TaskRecord,
  TaskState,
  WorkerRecord,
} from "../port.js";
import type { PgDatabase, PgQueryable } from "./database.js";
import { jobSeq, own, settleJob } from "./job-statements.js";
import { countTasksStatement, listTasksStatement } from "./listings.js";
import { TASK_COLUMNS, TASK_FROM, type TaskRow, taskColumns, toListedWorker, toTask } from "./rows.js";
import type { Transaction } from "./watch.js";

export class PostgresQueue {
  constructor(
    private readonly db: PgDatabase,
    private readonly write: <T>(work: (tx: Transaction) => Promise<T>) => Promise<T>,
  ) {}

  // Run twice: the path has its task for this scan already, the second run answers false.
  async upsertTask(jobId: string, path: string, documentId: string, scan: number): Promise<boolean> {
    return this.write(async (tx) => {
      const seq = await jobSeq(tx, jobId);
      if (seq === undefined) throw new Error(`job ${jobId} does not exist`);
      const [existing] = await tx.query<{ document_id: string; state: TaskState; scan: number }>(
        "SELECT document_id, state, scan FROM tasks WHERE job_seq = $1 AND path = $2 FOR UPDATE",
        [seq, path],
      );
      if (existing?.scan === scan) return false;
      await own(tx, seq, [documentId]);
      if (!existing) {
        await tx.query(
          "INSERT INTO tasks (job_seq, path, document_id, state, scan) VALUES ($1, $2, $3, 'queued', $4)",
          [seq, path, documentId, scan],
        );
      } else if (existing.document_id === documentId || existing.state === "running") {
        await tx.query("UPDATE tasks SET scan = $3 WHERE job_seq = $1 AND path = $2", [seq, path, scan]);
      } else {
        // The path holds other bytes than last time: the task starts over for the new document.
        await tx.query(
          `UPDATE tasks SET document_id = $3, scan = $4, state = 'queued', attempts = 0, crashes = 0,
             not_before = 0, result_id = NULL, error = NULL, pages = NULL, chunks = NULL, model_calls = NULL,
             reused = NULL, started_at = NULL, finished_at = NULL
           WHERE job_seq = $1 AND path = $2`,
          [seq, path, documentId, scan],
        );
      }
      tx.changed({ kind: "job", jobId });
      tx.changed({ kind: "work" });
      return true;
    });
  }

  // Run twice: the second write sets the same values.
  async addSkipped(jobId: string, entry: SkippedEntry, scan: number): Promise<void> {
    await this.write(async (tx) => {
      const seq = await jobSeq(tx, jobId);
      if (seq === undefined) throw new Error(`job ${jobId} does not exist`);
      await tx.query(
        `INSERT INTO skipped (job_seq, path, reason, message, scan) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (job_seq, path) DO UPDATE SET reason = excluded.reason, message = excluded.message,
           scan = excluded.scan`,
        [seq, entry.path, entry.reason, entry.message, scan],
      );
      tx.changed({ kind: "job", jobId });
    });
  }

  // Not harmless twice (a second task would be claimed): database.ts never runs a committed
  // transaction again, which is what makes a lost connection safe here.
  async claimTask(jobId: string, owner: string, now: number): Promise<TaskRecord | undefined> {
    return this.write(async (tx) => {
      const [job] = await tx.query<{ seq: number }>(
        "SELECT seq FROM jobs WHERE id = $1 AND state = 'running'",
        [jobId],
      );
      if (!job) return undefined;
      // A due retry first, then the first queued task; a task another claim holds is skipped, not waited for.
      const next = async (condition: string) =>
        (
          await tx.query<TaskRow>(
            `UPDATE tasks SET state = 'running', owner = $2, attempts = attempts + 1, started = false,
               started_at = $3
             WHERE job_seq = $1 AND id = (SELECT id FROM tasks WHERE job_seq = $1 AND ${condition} ORDER BY id LIMIT 1
               FOR UPDATE SKIP LOCKED)
             RETURNING ${taskColumns("$4::text")}`,
            [job.seq, owner, now, jobId],
          )
        )[0];
      const claimed =
        (await next("state = 'retrying' AND not_before <= $3")) ?? (await next("state = 'queued'"));
      if (!claimed) return undefined;
      tx.changed({ kind: "job", jobId });
      return toTask(claimed);
    });
  }

  /** The running task's job, locked with the task, when `owner` still holds it. */
  private async ownedTask(
    tx: PgQueryable,
    taskId: number,
    owner: string,
  ): Promise<{ seq: number; jobId: string; documentId: string; tenant: string } | undefined> {
    const [row] = await tx.query<{ seq: number; job_id: string; document_id: string; tenant: string }>(
      `SELECT jobs.seq, jobs.id AS job_id, tasks.document_id, jobs.tenant FROM ${TASK_FROM}
       WHERE tasks.id = $1 AND tasks.state = 'running' AND tasks.owner = $2 FOR UPDATE`,
      [taskId, owner],
    );
    return row && { seq: row.seq, jobId: row.job_id, documentId: row.document_id, tenant: row.tenant };
  }

  // Run twice: the task is no longer running, the second run answers false and stores nothing.
  async completeTask(
    taskId: number,
    owner: string,
    outcome: { result: NewResult } | { reusedResultId: number },
    now: number,
  ): Promise<boolean> {
    return this.write(async (tx) => {
      const task = await this.ownedTask(tx, taskId, owner);
      if (!task) return false;
      let resultId: number;
      let modelCalls = 0;
      if ("result" in outcome) {
        const { result } = outcome;
        await tx.query(
          `INSERT INTO results (tenant, document_id, fingerprint, profile, extraction, name, name_folded,
             media_type, pages, chunks, mentions, rejected, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           ON CONFLICT (tenant, document_id, fingerprint) DO NOTHING`,
          [
            task.tenant,
            task.documentId,
            result.fingerprint,
            result.profile,
            result.extraction,
            result.name,
            foldName(result.name),
            result.mediaType,
            result.pages,
            result.chunks,
            result.mentions,
            result.rejected,
            now,
          ],
        );
        // The first result for this key wins: a concurrent run of the same bytes reuses it.
        const [first] = await tx.query<{ id: number }>(
          "SELECT id FROM results WHERE tenant = $1 AND document_id = $2 AND fingerprint = $3",
          [task.tenant, task.documentId, result.fingerprint],
        );
        resultId = first?.id as number;
        modelCalls = result.modelCalls;
      } else {
        resultId = outcome.reusedResultId;
      }
      await tx.query(
        `UPDATE tasks SET state = 'done', owner = NULL, result_id = $2, error = NULL,
           pages = (SELECT pages FROM results WHERE id = $2), chunks = (SELECT chunks FROM results WHERE id = $2),
           model_calls = $3, reused = $4, finished_at = $5 WHERE id = $1`,
        [taskId, resultId, modelCalls, !("result" in outcome), now],
      );
      await settleJob(tx, task.seq, now);
      tx.changed({ kind: "job", jobId: task.jobId });
      return true;
    });
  }

  // Run twice: the task is no longer running, the second run answers false.
  async failTask(
    taskId: number,
    owner: string,
    error: StoredError,
    retryAt: number | undefined,
    now: number,
  ): Promise<boolean> {
    return this.write(async (tx) => {
      const task = await this.ownedTask(tx, taskId, owner);
      if (!task) return false;
      if (retryAt === undefined) {
        await tx.query(
          "UPDATE tasks SET state = 'failed', owner = NULL, error = $2, finished_at = $3 WHERE id = $1",
          [taskId, JSON.stringify(error), now],
        );
        await settleJob(tx, task.seq, now);
      } else {
        await tx.query(
          "UPDATE tasks SET state = 'retrying', owner = NULL, error = $2, not_before = $3 WHERE id = $1",
          [taskId, JSON.stringify(error), retryAt],
        );
        // Workers waiting for the next due retry learn of this one.
        tx.changed({ kind: "work" });
      }
      tx.changed({ kind: "job", jobId: task.jobId });
      return true;
    });
  }

  // Run twice: the task is no longer running, the second run answers false (its attempt is given back
  // once only).
  async releaseTask(
    taskId: number,
    owner: string,
    to: "queued" | "cancelled",
    now: number,
  ): Promise<boolean> {
    return this.write(async (tx) => {
      const task = await this.ownedTask(tx, taskId, owner);
      if (!task) return false;
      if (to === "queued") {
        // The interrupted run does not count as an attempt: the task is as it was before its claim.
        await tx.query(
          "UPDATE tasks SET state = 'queued', owner = NULL, attempts = attempts - 1, started = false WHERE id = $1",
          [taskId],
        );
        tx.changed({ kind: "work" });
      } else {
        await tx.query("UPDATE tasks SET state = 'cancelled', owner = NULL, finished_at = $2 WHERE id = $1", [
          taskId,
          now,
        ]);
      }
      await settleJob(tx, task.seq, now);
      tx.changed({ kind: "job", jobId: task.jobId });
      return true;
    });
  }

  // Run twice: it sets the same flag.
  async startTask(taskId: number, owner: string): Promise<boolean> {
    const rows = await this.db.query(
      "UPDATE tasks SET started = true WHERE id = $1 AND owner = $2 AND state = 'running' RETURNING id",
      [taskId, owner],
    );
    return rows.length > 0;
  }

  async getTask(taskId: number): Promise<TaskRecord | undefined> {
    const [row] = await this.db.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM ${TASK_FROM} WHERE tasks.id = $1`,
      [taskId],
    );
    return row && toTask(row);
  }

  async listTasks(
    jobId: string,
    options: { after?: number; limit: number; state?: TaskState },
  ): Promise<TaskRecord[]> {
    const seq = await jobSeq(this.db, jobId);
    if (seq === undefined) return [];
    const { text, values } = listTasksStatement(seq, options);
    return (await this.db.query<TaskRow>(text, values)).map(toTask);
  }

  async listSkipped(jobId: string, options: { offset?: number; limit: number }): Promise<SkippedEntry[]> {
    return this.db.query<SkippedEntry>(
      `SELECT path, reason, message FROM skipped WHERE job_seq = (SELECT seq FROM jobs WHERE id = $1)
       ORDER BY path LIMIT $2 OFFSET $3`,
      [jobId, options.limit, options.offset ?? 0],
    );
  }

  async countTasks(jobId: string, since: number): Promise<TaskCounts> {
    const counts: TaskCounts = {
      byState: { queued: 0, running: 0, retrying: 0, done: 0, failed: 0, cancelled: 0 },
      skipped: 0,
      pages: 0,
      chunks: 0,
      modelCalls: 0,
      reused: 0,
      recent: { finished: 0 },
    };
    const seq = await jobSeq(this.db, jobId);
    if (seq === undefined) return counts;
    const { text, values } = countTasksStatement(seq);
    const [groups, [skipped], [recent]] = await Promise.all([
      this.db.query<{
        state: TaskState;
        n: number;
        pages: number;
        chunks: number;
        model_calls: number;
        reused: number;
      }>(text, values),
      this.db.query<{ n: number }>("SELECT count(*) AS n FROM skipped WHERE job_seq = $1", [seq]),
      this.db.query<{ n: number; first: number | null }>(
        `SELECT count(*) AS n, min(started_at) AS first FROM tasks
         WHERE job_seq = $1 AND finished_at >= $2 AND state IN ('done', 'failed')`,
        [seq, since],
      ),
    ]);
    for (const group of groups) {
      counts.byState[group.state] = group.n;
      counts.pages += group.pages;
      counts.chunks += group.chunks;
      counts.modelCalls += group.model_calls;
      counts.reused += group.reused;
    }
    counts.skipped = skipped?.n ?? 0;
    counts.recent = {
      finished: recent?.n ?? 0,
      ...(recent?.first == null ? {} : { firstStartedAt: recent.first }),
    };
    return counts;
  }

  async nextRetryAt(jobIds: readonly string[]): Promise<number | undefined> {
    const [row] = await this.db.query<{ at: number | null }>(
      `SELECT min(tasks.not_before) AS at FROM ${TASK_FROM} WHERE jobs.id = ANY($1) AND tasks.state = 'retrying'`,
      [jobIds],
    );
    return row?.at ?? undefined;
  }

  // Run twice: the second write sets the same values (the database's clock a moment later).
  async heartbeat(worker: WorkerRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO workers (id, host, pid, heartbeat_at, heartbeat_db) VALUES ($1, $2, $3, $4, clock_timestamp())
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, heartbeat_db = excluded.heartbeat_db`,
      [worker.id, worker.host, worker.pid, worker.heartbeatAt],
    );
  }

  /** Silences are measured by the database's clock, the one clock every machine shares. */
  async listWorkers(_now: number): Promise<ListedWorker[]> {
    const rows = await this.db.query<Parameters<typeof toListedWorker>[0]>(
      `SELECT id, host, pid, heartbeat_at,
         greatest(0, floor(extract(epoch FROM clock_timestamp() - heartbeat_db) * 1000))::bigint AS silent_ms
       FROM workers ORDER BY id`,
    );
    return rows.map(toListedWorker);
  }

  // Run twice: the worker holds nothing any more, the second run requeues none.
  async removeWorker(id: string, now: number): Promise<number> {
    return this.write(async (tx) => {
      // A cancelled job's task is not worth running again.
      const cancelled = await tx.query<{ job_id: string }>(
        `UPDATE tasks SET owner = NULL, state = 'cancelled', finished_at = $2 FROM jobs
         WHERE tasks.owner = $1 AND tasks.state = 'running' AND jobs.seq = tasks.job_seq AND jobs.state = 'cancelled'
         RETURNING jobs.id AS job_id`,
        [id, now],
      );
      const requeued = await tx.query<{ job_id: string }>(
        `UPDATE tasks SET owner = NULL, state = 'queued', crashes = crashes + started::int, started = false
         FROM jobs WHERE tasks.owner = $1 AND tasks.state = 'running' AND jobs.seq = tasks.job_seq
         RETURNING jobs.id AS job_id`,
        [id],
      );
      const released = await tx.query<{ id: string }>(
        "UPDATE jobs SET owner = NULL WHERE owner = $1 RETURNING id",
        [id],
      );
      await tx.query("DELETE FROM workers WHERE id = $1", [id]);
      const jobIds = [...cancelled.map((row) => row.job_id), ...requeued.map((row) => row.job_id)];
      for (const jobId of new Set([...jobIds, ...released.map((row) => row.id)]))
        tx.changed({ kind: "job", jobId });
      if (requeued.length > 0) tx.changed({ kind: "work" });
      return requeued.length;
    });
  }
}
