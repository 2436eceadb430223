/**
 * Version 1 of the PostgreSQL schema: every table of the store port (documents, jobs, tasks, results,
 * the response cache, keys and sessions, workers). Times are milliseconds since the epoch as the caller
 * gave them (bigint), but for a worker's last heartbeat, which is also kept by the database's clock.
 */
import type { Migration } from "./migrations.js";

export const STORE_MIGRATION: Migration = {
  version: 1,
  name: "store",
  sql: `
  CREATE TABLE documents (
    id text PRIMARY KEY,
    byte_length bigint NOT NULL,
    created_at bigint NOT NULL
  );

  -- A tenant owns the documents its jobs have tasks on.
  CREATE TABLE document_owners (
    tenant text NOT NULL,
    document_id text NOT NULL REFERENCES documents (id),
    created_at bigint NOT NULL,
    PRIMARY KEY (tenant, document_id)
  );
  CREATE INDEX document_owners_by_document ON document_owners (document_id);

  -- seq orders jobs (oldest first), is the listing cursor and what tasks point to; id is public.
  CREATE TABLE jobs (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    tenant text NOT NULL,
    created_by text,
    kind text NOT NULL,
    state text NOT NULL,
    spec text NOT NULL,
    key text,
    request_id text,
    error text,
    owner text,
    scan integer NOT NULL DEFAULT 0,
    created_at bigint NOT NULL,
    finished_at bigint
  );
  -- Recent jobs of a tenant newest first, of one kind or in one state: each a backward index scan.
  CREATE INDEX jobs_by_tenant ON jobs (tenant, seq);
  CREATE INDEX jobs_by_tenant_kind ON jobs (tenant, kind, seq);
  CREATE INDEX jobs_by_tenant_state ON jobs (tenant, state, seq);
  CREATE INDEX jobs_by_state ON jobs (state, seq);
  CREATE INDEX jobs_by_key ON jobs (key, seq) WHERE key IS NOT NULL;
  CREATE INDEX jobs_by_creator ON jobs (created_by, state) WHERE created_by IS NOT NULL;
  CREATE INDEX jobs_by_owner ON jobs (owner) WHERE owner IS NOT NULL;

  -- name_folded is the name as listLatestResults compares it (NFC, lower case), computed by Palimpsest
  -- rather than by lower(), whose result depends on the server's locale.
  CREATE TABLE results (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant text NOT NULL,
    document_id text NOT NULL REFERENCES documents (id),
    fingerprint text NOT NULL,
    profile text NOT NULL,
    name text NOT NULL,
    name_folded text NOT NULL,
    media_type text NOT NULL,
    pages integer NOT NULL,
    chunks integer NOT NULL,
    mentions integer NOT NULL,
    rejected integer NOT NULL,
    created_at bigint NOT NULL,
    extraction text NOT NULL,
    UNIQUE (tenant, document_id, fingerprint)
  );
  -- A pair's newer result (whether a result is its pair's latest), a document's results.
  CREATE INDEX results_by_document ON results (document_id, tenant, profile, id);
  -- The latest results of a tenant newest first, of one profile or not.
  CREATE INDEX results_by_tenant ON results (tenant, id);
  CREATE INDEX results_by_tenant_profile ON results (tenant, profile, id);

  -- The primary key leads with the job: no ordered index on id alone exists, so the planner cannot
  -- walk every job's tasks in id order, filtering them, to list or claim one job's (it would, believing
  -- a job's tasks spread evenly among all). A task is found by its id alone through a hash index.
  CREATE TABLE tasks (
    id bigint GENERATED ALWAYS AS IDENTITY,
    job_seq bigint NOT NULL REFERENCES jobs (seq) ON DELETE CASCADE,
    path text NOT NULL,
    document_id text NOT NULL REFERENCES documents (id),
    state text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    crashes integer NOT NULL DEFAULT 0,
    -- Whether the current claim's work has begun (a death then counts as a crash).
    started boolean NOT NULL DEFAULT false,
    not_before bigint NOT NULL DEFAULT 0,
    owner text,
    result_id bigint REFERENCES results (id),
    error text,
    pages integer,
    chunks integer,
    model_calls integer,
    reused boolean,
    scan integer NOT NULL,
    started_at bigint,
    finished_at bigint,
    -- A job's tasks in source order, page after page.
    PRIMARY KEY (job_seq, id),
    UNIQUE (job_seq, path)
  );
  CREATE INDEX tasks_by_id ON tasks USING hash (id);
  -- A job's tasks in one state in source order (and the next queued task to claim).
  CREATE INDEX tasks_by_state ON tasks (job_seq, state, id);
  -- The retrying tasks that are due (claiming) and the next one to be (nextRetryAt).
  CREATE INDEX tasks_due ON tasks (job_seq, state, not_before) WHERE state = 'retrying';
  -- Tasks finished since a time (progress).
  CREATE INDEX tasks_by_finish ON tasks (job_seq, finished_at) WHERE finished_at IS NOT NULL;
  CREATE INDEX tasks_by_owner ON tasks (owner) WHERE owner IS NOT NULL;
  -- Deleting a document finds the tasks on it and on its results.
  CREATE INDEX tasks_by_document ON tasks (document_id);
  CREATE INDEX tasks_by_result ON tasks (result_id) WHERE result_id IS NOT NULL;

  CREATE TABLE skipped (
    job_seq bigint NOT NULL REFERENCES jobs (seq) ON DELETE CASCADE,
    path text NOT NULL,
    reason text NOT NULL,
    message text NOT NULL,
    scan integer NOT NULL,
    PRIMARY KEY (job_seq, path)
  );

  CREATE TABLE document_failures (
    document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    key text NOT NULL,
    error text NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (document_id, key)
  );

  CREATE TABLE responses (
    key text PRIMARY KEY,
    value text NOT NULL,
    created_at bigint NOT NULL
  );

  CREATE TABLE api_keys (
    id text PRIMARY KEY,
    name text,
    tenant text NOT NULL,
    role text NOT NULL,
    hash text NOT NULL,
    created_at bigint NOT NULL,
    revoked_at bigint
  );

  CREATE TABLE sessions (
    hash text PRIMARY KEY,
    key_id text NOT NULL REFERENCES api_keys (id),
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE INDEX sessions_by_key ON sessions (key_id);
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);

  CREATE TABLE key_usage (
    key_id text NOT NULL REFERENCES api_keys (id),
    day text NOT NULL,
    ocr_pages integer NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day)
  );

  -- heartbeat_db: the database's clock at the last heartbeat, so that silences are measured by one
  -- clock whatever the workers' machines think the time is.
  CREATE TABLE workers (
    id text PRIMARY KEY,
    host text NOT NULL,
    pid integer NOT NULL,
    heartbeat_at bigint NOT NULL,
    heartbeat_db timestamptz NOT NULL
  );
  `,
};
