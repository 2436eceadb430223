/** SQLite rows and their mapping to the port's records. */
import type {
  DocumentRecord,
  JobRecord,
  KeyRecord,
  ResultRecord,
  ResultSummary,
  StoredError,
  TaskRecord,
  TaskState,
  WorkerRecord,
} from "../port.js";

export interface DocumentRow {
  id: string;
  byte_length: number;
  created_at: number;
}

export interface JobRow {
  seq: number;
  id: string;
  tenant: string;
  created_by: string | null;
  request_id: string | null;
  kind: JobRecord["kind"];
  state: JobRecord["state"];
  spec: string;
  key: string | null;
  error: string | null;
  owner: string | null;
  scan: number;
  created_at: number;
  finished_at: number | null;
}

export interface TaskRow {
  id: number;
  job_id: string;
  path: string;
  document_id: string;
  state: TaskState;
  attempts: number;
  crashes: number;
  not_before: number;
  owner: string | null;
  result_id: number | null;
  error: string | null;
  pages: number | null;
  chunks: number | null;
  model_calls: number | null;
  reused: number | null;
  started_at: number | null;
  finished_at: number | null;
}

export interface ResultRow {
  id: number;
  tenant: string;
  document_id: string;
  fingerprint: string;
  profile: string;
  extraction: string;
  name: string;
  media_type: string;
  pages: number;
  chunks: number;
  mentions: number;
  rejected: number;
  created_at: number;
}

/** The columns of a result without its Extraction. */
export const RESULT_SUMMARY_COLUMNS =
  "id, tenant, document_id, fingerprint, profile, name, media_type, pages, chunks, mentions, rejected, created_at";

export interface KeyRow {
  id: string;
  name: string | null;
  tenant: string;
  role: KeyRecord["role"];
  hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  heartbeat_at: number;
}

export const toDocument = (row: DocumentRow): DocumentRecord => ({
  id: row.id,
  byteLength: row.byte_length,
  createdAt: row.created_at,
});

export const toJob = (row: JobRow): JobRecord => ({
  id: row.id,
  tenant: row.tenant,
  ...(row.created_by === null ? {} : { createdBy: row.created_by }),
  ...(row.request_id === null ? {} : { requestId: row.request_id }),
  kind: row.kind,
  state: row.state,
  spec: JSON.parse(row.spec),
  key: row.key ?? undefined,
  error: row.error === null ? undefined : (JSON.parse(row.error) as StoredError),
  owner: row.owner ?? undefined,
  createdAt: row.created_at,
  finishedAt: row.finished_at ?? undefined,
});

export const toTask = (row: TaskRow): TaskRecord => ({
  id: row.id,
  jobId: row.job_id,
  path: row.path,
  documentId: row.document_id,
  state: row.state,
  attempts: row.attempts,
  crashes: row.crashes,
  notBefore: row.not_before,
  owner: row.owner ?? undefined,
  resultId: row.result_id ?? undefined,
  error: row.error === null ? undefined : (JSON.parse(row.error) as StoredError),
  pages: row.pages ?? undefined,
  chunks: row.chunks ?? undefined,
  modelCalls: row.model_calls ?? undefined,
  reused: row.reused === null ? undefined : row.reused === 1,
  startedAt: row.started_at ?? undefined,
  finishedAt: row.finished_at ?? undefined,
});

export const toResultSummary = (row: Omit<ResultRow, "extraction">): ResultSummary => ({
  id: row.id,
  tenant: row.tenant,
  documentId: row.document_id,
  fingerprint: row.fingerprint,
  profile: row.profile,
  name: row.name,
  mediaType: row.media_type,
  pages: row.pages,
  chunks: row.chunks,
  mentions: row.mentions,
  rejected: row.rejected,
  createdAt: row.created_at,
});

export const toResult = (row: ResultRow): ResultRecord => ({
  ...toResultSummary(row),
  extraction: row.extraction,
});

export const toWorker = (row: WorkerRow): WorkerRecord => ({
  id: row.id,
  host: row.host,
  pid: row.pid,
  heartbeatAt: row.heartbeat_at,
});

export const toKey = (row: KeyRow): KeyRecord => ({
  id: row.id,
  ...(row.name === null ? {} : { name: row.name }),
  tenant: row.tenant,
  role: row.role,
  hash: row.hash,
  createdAt: row.created_at,
  ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
});
