/** The SQLite side of reviewed records and their revisions (see the store port). */
import type Database from "better-sqlite3";
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

type Sql = (text: string) => Database.Statement;
type Write = <T>(work: () => T) => T;

/** Pairs looked up per statement: SQLite allows 32766 values in one. */
const PAIRS_PER_STATEMENT = 400;

export class SqliteReviews {
  constructor(
    private readonly sql: Sql,
    private readonly write: Write,
  ) {}

  getReview(documentId: string, tenant: string, profile: string): ReviewRecordRow | undefined {
    const row = this.sql(
      `SELECT ${REVIEW_COLUMNS} FROM reviews WHERE tenant = ? AND document_id = ? AND profile = ?`,
    ).get(tenant, documentId, profile) as ReviewRow | undefined;
    return row && toReviewRecord(row);
  }

  saveReview(record: ReviewRecordRow, revision: RevisionRow): boolean {
    return this.write(() => {
      const key = [record.tenant, record.documentId, record.profile];
      const stored = this.sql(
        "SELECT revision FROM reviews WHERE tenant = ? AND document_id = ? AND profile = ?",
      ).get(...key) as { revision: number } | undefined;
      if ((stored?.revision ?? 0) !== record.revision - 1) return false;
      const values = reviewValues(record);
      this.sql(
        `INSERT INTO reviews (${REVIEW_COLUMNS}) VALUES (${values.map(() => "?").join(", ")})
         ON CONFLICT (tenant, document_id, profile) DO UPDATE SET revision = excluded.revision,
           state = excluded.state, unreviewed = excluded.unreviewed, confirmed = excluded.confirmed,
           corrected = excluded.corrected, added = excluded.added, rejected = excluded.rejected,
           updated_at = excluded.updated_at, mentions = excluded.mentions`,
      ).run(...values);
      this.sql(
        `INSERT INTO review_revisions (tenant, document_id, profile, revision, editor, kind, created_at, change)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...key, revision.revision, revision.editor, revision.kind, revision.createdAt, revision.change);
      return true;
    });
  }

  listRevisions(documentId: string, tenant: string, profile: string): RevisionRow[] {
    const rows = this.sql(
      `SELECT revision, editor, kind, created_at, change FROM review_revisions
       WHERE tenant = ? AND document_id = ? AND profile = ? ORDER BY revision`,
    ).all(tenant, documentId, profile) as RevisionRowColumns[];
    return rows.map(toRevision);
  }

  reviewSummaries(
    tenant: string,
    pairs: readonly { documentId: string; profile: string }[],
  ): ReviewSummary[] {
    const summaries: ReviewSummary[] = [];
    for (let at = 0; at < pairs.length; at += PAIRS_PER_STATEMENT) {
      const some = pairs.slice(at, at + PAIRS_PER_STATEMENT);
      const rows = this.sql(
        `SELECT ${REVIEW_SUMMARY_COLUMNS} FROM reviews WHERE tenant = ?
         AND (${some.map(() => "(document_id = ? AND profile = ?)").join(" OR ")})`,
      ).all(tenant, ...some.flatMap((pair) => [pair.documentId, pair.profile])) as ReviewRow[];
      summaries.push(...rows.map(toReviewSummary));
    }
    return summaries;
  }

  jobReviewCounts(jobId: string): JobReviewCounts {
    const rows = this.sql(jobReviewStatement("tasks.job_seq = (SELECT seq FROM jobs WHERE id = ?)")).all(
      jobId,
    ) as Parameters<typeof toJobReviewCounts>[0];
    return toJobReviewCounts(rows);
  }
}
