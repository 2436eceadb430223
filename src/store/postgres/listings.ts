/**
 * The listing statements of the PostgreSQL store, built apart so that the plans the server picks for
 * them can be checked (EXPLAIN in tests and bench/postgres-listing.ts) on the very text the store runs.
 * Only the filters asked for are in a statement: "($3 IS NULL OR state = $3)" would keep the planner
 * from seeking in the index of that filter.
 */
import type { DocumentReviewState } from "../../schemas/review.js";
import { cursorValue, foldName } from "../paging.js";
import type { JobKind, JobState, TaskState } from "../port.js";
import { reviewStateCondition } from "../review-rows.js";
import { RESULT_SUMMARY_COLUMNS, TASK_COLUMNS, TASK_FROM } from "./rows.js";

export interface Statement {
  text: string;
  values: unknown[];
}

/** Builds "column = $n" conditions, numbering the values as they are added. */
class Conditions {
  readonly values: unknown[] = [];
  private readonly parts: string[] = [];

  add(condition: (placeholder: string) => string, value: unknown): this {
    this.values.push(value);
    this.parts.push(condition(`$${this.values.length}`));
    return this;
  }

  addIf(value: unknown, condition: (placeholder: string) => string): this {
    return value === undefined ? this : this.add(condition, value);
  }

  /** A value that is not a condition (LIMIT), as its placeholder. */
  value(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  get where(): string {
    return this.parts.join(" AND ");
  }
}

/**
 * A job's tasks in source order after task `after`: a seek in tasks_by_job or tasks_by_state. The job
 * is given by its seq, a value the planner knows (a subquery's would be unknown to it, and it could
 * then walk every job's tasks in id order).
 */
export function listTasksStatement(
  jobSeq: number,
  options: { after?: number; limit: number; state?: TaskState },
): Statement {
  const where = new Conditions()
    .add((p) => `tasks.job_seq = ${p}`, jobSeq)
    .add((p) => `tasks.id > ${p}`, options.after ?? 0)
    .addIf(options.state, (p) => `tasks.state = ${p}`);
  const limit = where.value(options.limit);
  return {
    text: `SELECT ${TASK_COLUMNS} FROM ${TASK_FROM} WHERE ${where.where} ORDER BY tasks.id LIMIT ${limit}`,
    values: where.values,
  };
}

/** A tenant's jobs newest first, one more than `limit` (which tells whether a page follows). */
export function listRecentJobsStatement(options: {
  tenant: string;
  limit: number;
  before?: string;
  kind?: JobKind;
  state?: JobState;
}): Statement {
  const where = new Conditions()
    .add((p) => `tenant = ${p}`, options.tenant)
    .addIf(
      options.before === undefined ? undefined : cursorValue(options.before, "jobs"),
      (p) => `seq < ${p}`,
    )
    .addIf(options.kind, (p) => `kind = ${p}`)
    .addIf(options.state, (p) => `state = ${p}`);
  const limit = where.value(options.limit + 1);
  return {
    text: `SELECT * FROM jobs WHERE ${where.where} ORDER BY seq DESC LIMIT ${limit}`,
    values: where.values,
  };
}

/**
 * The latest result of each (document, profile) of a tenant, newest first, one more than `limit`. A
 * result is its pair's latest when no newer one of the pair exists, whatever the cursor: a pair listed
 * on an earlier page is not listed again with an older result. `name` is compared folded (see
 * foldName) with strpos, so that its characters are taken literally: no LIKE wildcards to escape.
 */
export function listLatestResultsStatement(options: {
  tenant: string;
  limit: number;
  before?: string;
  profile?: string;
  mediaType?: string;
  name?: string;
  review?: DocumentReviewState;
}): Statement {
  const where = new Conditions()
    .add((p) => `tenant = ${p}`, options.tenant)
    .addIf(
      options.before === undefined ? undefined : cursorValue(options.before, "documents"),
      (p) => `id < ${p}`,
    )
    .addIf(options.profile, (p) => `profile = ${p}`)
    .addIf(options.mediaType, (p) => `media_type = ${p}`)
    .addIf(
      options.name === undefined ? undefined : foldName(options.name),
      (p) => `strpos(name_folded, ${p}) > 0`,
    )
    .addIf(options.review, (p) => reviewStateCondition(options.review as DocumentReviewState, p));
  const limit = where.value(options.limit + 1);
  return {
    text: `SELECT ${RESULT_SUMMARY_COLUMNS} FROM results WHERE ${where.where}
      AND NOT EXISTS (SELECT 1 FROM results AS newer WHERE newer.document_id = results.document_id
        AND newer.tenant = results.tenant AND newer.profile = results.profile AND newer.id > results.id)
      ORDER BY id DESC LIMIT ${limit}`,
    values: where.values,
  };
}

/** A job's tasks counted by state, with their figures (progress). */
export function countTasksStatement(seq: number): Statement {
  return {
    text: `SELECT state, count(*) AS n, coalesce(sum(pages), 0)::bigint AS pages,
        coalesce(sum(chunks), 0)::bigint AS chunks, coalesce(sum(model_calls), 0)::bigint AS model_calls,
        count(*) FILTER (WHERE reused) AS reused
      FROM tasks WHERE job_seq = $1 GROUP BY state`,
    values: [seq],
  };
}
