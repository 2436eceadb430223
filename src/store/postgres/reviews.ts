/**
 * The PostgreSQL side of reviewed records and their revisions (see the store port). saveReview is a
 * compare-and-set in one statement (an insert that conflicts, an update guarded by the revision read),
 * so two editors saving at once need no lock: one statement finds the row changed and refuses.
 */
import type { JobReviewCounts, ReviewRecordRow, ReviewSummary, RevisionRow } from "../port.js";
import {
  jobReviewStatement,
  REVIEW_COLUMNS,
  REVIEW_SUMMARY_COLUMNS,
  type ReviewRow,
  type RevisionRowColumns,
  reviewValues,
  toJobReviewCounts,
  toReviewRecord,
  toReviewSummary,
  toRevision,
} from "../review-rows.js";
import type { PgDatabase } from "./database.js";
import type { Transaction } from "./watch.js";

type Write = <T>(work: (tx: Transaction) => Promise<T>) => Promise<T>;

export class PostgresReviews {
  constructor(
    private readonly db: PgDatabase,
    private readonly write: Write,
  ) {}

  async getReview(documentId: string, tenant: string, profile: string): Promise<ReviewRecordRow | undefined> {
    const [row] = await this.db.query<ReviewRow>(
      `SELECT ${REVIEW_COLUMNS} FROM reviews WHERE tenant = $1 AND document_id = $2 AND profile = $3`,
      [tenant, documentId, profile],
    );
    return row && toReviewRecord(row);
  }

  // Run twice: the second run finds the revision stored and refuses; it is only run again when the
  // first did not commit (database.ts).
  saveReview(record: ReviewRecordRow, revision: RevisionRow): Promise<boolean> {
    return this.write(async (tx) => {
      const values = reviewValues(record);
      const placeholders = values.map((_, i) => `$${i + 1}`).join(", ");
      const saved =
        record.revision === 1
          ? await tx.query(
              `INSERT INTO reviews (${REVIEW_COLUMNS}) VALUES (${placeholders})
               ON CONFLICT (tenant, document_id, profile) DO NOTHING RETURNING 1`,
              values,
            )
          : await tx.query(
              `UPDATE reviews SET revision = $5, state = $6, unreviewed = $7, confirmed = $8, corrected = $9,
                 added = $10, rejected = $11, updated_at = $13, mentions = $14
               WHERE tenant = $1 AND document_id = $2 AND profile = $3 AND revision = $5 - 1
                 AND result_id = $4 AND created_at = $12
               RETURNING 1`,
              values,
            );
      if (saved.length === 0) return false;
      await tx.query(
        `INSERT INTO review_revisions (tenant, document_id, profile, revision, editor, kind, created_at, change)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          record.tenant,
          record.documentId,
          record.profile,
          revision.revision,
          revision.editor,
          revision.kind,
          revision.createdAt,
          revision.change,
        ],
      );
      return true;
    });
  }

  async listRevisions(documentId: string, tenant: string, profile: string): Promise<RevisionRow[]> {
    const rows = await this.db.query<RevisionRowColumns>(
      `SELECT revision, editor, kind, created_at, change FROM review_revisions
       WHERE tenant = $1 AND document_id = $2 AND profile = $3 ORDER BY revision`,
      [tenant, documentId, profile],
    );
    return rows.map(toRevision);
  }

  async reviewSummaries(
    tenant: string,
    pairs: readonly { documentId: string; profile: string }[],
  ): Promise<ReviewSummary[]> {
    if (pairs.length === 0) return [];
    const rows = await this.db.query<ReviewRow>(
      `SELECT ${REVIEW_SUMMARY_COLUMNS} FROM reviews
       JOIN unnest($2::text[], $3::text[]) AS pair (document_id, profile) USING (document_id, profile)
       WHERE tenant = $1`,
      [tenant, pairs.map((pair) => pair.documentId), pairs.map((pair) => pair.profile)],
    );
    return rows.map(toReviewSummary);
  }

  async jobReviewCounts(jobId: string): Promise<JobReviewCounts> {
    const rows = await this.db.query<Parameters<typeof toJobReviewCounts>[0][number]>(
      jobReviewStatement("tasks.job_seq = (SELECT seq FROM jobs WHERE id = $1)"),
      [jobId],
    );
    return toJobReviewCounts(rows);
  }
}
