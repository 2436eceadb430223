/**
 * Statements that several parts of the PostgreSQL store run inside their transactions on a job.
 */
import type { PgQueryable } from "./database.js";

export const ACTIVE = "('queued', 'running', 'retrying')";

export async function jobSeq(tx: PgQueryable, jobId: string): Promise<number | undefined> {
  const [row] = await tx.query<{ seq: number }>("SELECT seq FROM jobs WHERE id = $1", [jobId]);
  return row?.seq;
}

/** Takes the job's row for the rest of the transaction (see postgres-store.ts). */
export async function lockJob(tx: PgQueryable, jobId: string): Promise<number | undefined> {
  const [row] = await tx.query<{ seq: number }>("SELECT seq FROM jobs WHERE id = $1 FOR UPDATE", [jobId]);
  return row?.seq;
}

/** A running job with no task left to do is done (same transaction as the last transition). */
export async function settleJob(tx: PgQueryable, seq: number, now: number): Promise<void> {
  await tx.query(
    `UPDATE jobs SET state = 'done', finished_at = $2 WHERE seq = $1 AND state = 'running'
     AND NOT EXISTS (SELECT 1 FROM tasks WHERE job_seq = jobs.seq AND state IN ${ACTIVE})`,
    [seq, now],
  );
}

/** The job's tenant owns the documents from the moment a task of the job points at them. */
export async function own(tx: PgQueryable, seq: number, documentIds: readonly string[]): Promise<void> {
  await tx.query(
    `INSERT INTO document_owners (tenant, document_id, created_at)
     SELECT jobs.tenant, documents.id, jobs.created_at FROM jobs, unnest($2::text[]) AS documents (id)
     WHERE jobs.seq = $1 ON CONFLICT DO NOTHING`,
    [seq, [...new Set(documentIds)]],
  );
}
