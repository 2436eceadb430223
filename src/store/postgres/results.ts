/**
 * The results side of the PostgreSQL store: results and their listings, documents' remembered
 * failures, and the model-response cache. Results are written by completeTask (queue.ts).
 */

import type { DocumentReviewState } from "../../schemas/review.js";
import { pageOf } from "../paging.js";
import type { ResultRecord, ResultSummary, StoredError } from "../port.js";
import type { PgDatabase } from "./database.js";
import { listLatestResultsStatement } from "./listings.js";
import { RESULT_SUMMARY_COLUMNS, type ResultRow, toResult, toResultSummary } from "./rows.js";

export class PostgresResults {
  constructor(private readonly db: PgDatabase) {}

  async findResult(
    documentId: string,
    fingerprint: string,
    tenant: string,
  ): Promise<ResultRecord | undefined> {
    const [row] = await this.db.query<ResultRow>(
      `SELECT ${RESULT_SUMMARY_COLUMNS}, extraction FROM results
       WHERE tenant = $1 AND document_id = $2 AND fingerprint = $3`,
      [tenant, documentId, fingerprint],
    );
    return row && toResult(row);
  }

  async getResult(id: number): Promise<ResultRecord | undefined> {
    const [row] = await this.db.query<ResultRow>(
      `SELECT ${RESULT_SUMMARY_COLUMNS}, extraction FROM results WHERE id = $1`,
      [id],
    );
    return row && toResult(row);
  }

  async latestResult(
    documentId: string,
    tenant: string,
    profile?: string,
  ): Promise<ResultRecord | undefined> {
    const [row] = await this.db.query<ResultRow>(
      `SELECT ${RESULT_SUMMARY_COLUMNS}, extraction FROM results WHERE document_id = $1 AND tenant = $2
       ${profile === undefined ? "" : "AND profile = $3"} ORDER BY id DESC LIMIT 1`,
      profile === undefined ? [documentId, tenant] : [documentId, tenant, profile],
    );
    return row && toResult(row);
  }

  async listResults(documentId: string, tenant: string): Promise<ResultSummary[]> {
    const rows = await this.db.query<Omit<ResultRow, "extraction">>(
      `SELECT ${RESULT_SUMMARY_COLUMNS} FROM results WHERE document_id = $1 AND tenant = $2 ORDER BY id`,
      [documentId, tenant],
    );
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
    const { text, values } = listLatestResultsStatement(options);
    const rows = await this.db.query<Omit<ResultRow, "extraction">>(text, values);
    const { page, ...next } = pageOf(rows, options.limit, (row) => row.id);
    return { results: page.map(toResultSummary), ...next };
  }

  // Run twice: the first failure is kept.
  async rememberFailure(documentId: string, key: string, error: StoredError, now: number): Promise<void> {
    await this.db.query(
      `INSERT INTO document_failures (document_id, key, error, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [documentId, key, JSON.stringify(error), now],
    );
  }

  async findFailure(documentId: string, key: string): Promise<StoredError | undefined> {
    const [row] = await this.db.query<{ error: string }>(
      "SELECT error FROM document_failures WHERE document_id = $1 AND key = $2",
      [documentId, key],
    );
    return row && (JSON.parse(row.error) as StoredError);
  }

  async getCachedResponse(key: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ value: string }>("SELECT value FROM responses WHERE key = $1", [key]);
    return row?.value;
  }

  // Run twice: the first value is kept.
  async putCachedResponse(key: string, value: string, now: number): Promise<void> {
    await this.db.query(
      "INSERT INTO responses (key, value, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [key, value, now],
    );
  }
}
