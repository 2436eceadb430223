/** Version 4 of the PostgreSQL schema: reviewed records and their revisions (review/). */
import type { Migration } from "./migrations.js";

export const REVIEW_MIGRATION: Migration = {
  version: 4,
  name: "reviewed records",
  sql: `
  -- A tenant's record of a document for a profile, built on one model result; its figures in columns
  -- for the listings (GET /v1/documents?review=, a job's documents).
  CREATE TABLE reviews (
    tenant text NOT NULL,
    document_id text NOT NULL REFERENCES documents (id),
    profile text NOT NULL,
    result_id bigint NOT NULL REFERENCES results (id),
    revision integer NOT NULL,
    state text NOT NULL,
    unreviewed integer NOT NULL,
    confirmed integer NOT NULL,
    corrected integer NOT NULL,
    added integer NOT NULL,
    rejected integer NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    mentions text NOT NULL,
    PRIMARY KEY (tenant, document_id, profile)
  );
  CREATE INDEX reviews_by_result ON reviews (result_id);

  CREATE TABLE review_revisions (
    tenant text NOT NULL,
    document_id text NOT NULL,
    profile text NOT NULL,
    revision integer NOT NULL,
    editor text NOT NULL,
    kind text NOT NULL,
    created_at bigint NOT NULL,
    change text NOT NULL,
    PRIMARY KEY (tenant, document_id, profile, revision),
    FOREIGN KEY (tenant, document_id, profile) REFERENCES reviews (tenant, document_id, profile)
      ON DELETE CASCADE
  );
  `,
};
