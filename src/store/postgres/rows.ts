/**
 * PostgreSQL rows and their mapping to the port's records. Columns are named as in SQLite and bigint
 * comes back as a number (database.ts), so the SQLite adapter's mappings serve both; only what differs
 * is here.
 */
import type { JobRecord, ListedWorker } from "../port.js";
import { type JobRow, toJob as toJobBase, toWorker, type WorkerRow } from "../sqlite/rows.js";

export {
  type DocumentRow,
  type KeyRow,
  RESULT_SUMMARY_COLUMNS,
  type ResultRow,
  type TaskRow,
  toDocument,
  toKey,
  toResult,
  toResultSummary,
  toTask,
} from "../sqlite/rows.js";

export interface PgJobRow extends JobRow {
  request_id: string | null;
}

/** A task's columns as toTask reads them (reused as 0/1), with its job's public id from `jobId`. */
export const taskColumns = (jobId: string): string => `tasks.id, ${jobId} AS job_id, tasks.path,
  tasks.document_id, tasks.state, tasks.attempts, tasks.crashes, tasks.not_before, tasks.owner,
  tasks.result_id, tasks.error, tasks.pages, tasks.chunks, tasks.model_calls, tasks.reused::int AS reused,
  tasks.started_at, tasks.finished_at`;
export const TASK_COLUMNS = taskColumns("jobs.id");
export const TASK_FROM = "tasks JOIN jobs ON jobs.seq = tasks.job_seq";

export const toJob = (row: PgJobRow): JobRecord => ({
  ...toJobBase(row),
  ...(row.request_id === null ? {} : { requestId: row.request_id }),
});

export const toListedWorker = (row: WorkerRow & { silent_ms: number }): ListedWorker => ({
  ...toWorker(row),
  silentMs: row.silent_ms,
});
