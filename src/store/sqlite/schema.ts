/**
 * The SQLite schema, applied in order by PRAGMA user_version: a database written by an older
 * Palimpsest is brought up to date when opened, and one written by a newer one is refused. Foreign keys
 * are not enforced while migrations run (see migrate in sqlite-store.ts), so that one can rebuild a table
 * others refer to; they are checked before the migrations are committed.
 */

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    byte_length INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );

  -- seq orders jobs (oldest first) and is what tasks point to; id is the public identifier.
  CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    spec TEXT NOT NULL,
    key TEXT,
    error TEXT,
    owner TEXT,
    scan INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE INDEX jobs_by_state ON jobs (state, seq);
  CREATE INDEX jobs_by_key ON jobs (key) WHERE key IS NOT NULL;

  CREATE TABLE results (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    fingerprint TEXT NOT NULL,
    profile TEXT NOT NULL,
    extraction TEXT NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (document_id, fingerprint)
  );
  CREATE INDEX results_by_document ON results (document_id, profile, id);

  CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    job_seq INTEGER NOT NULL REFERENCES jobs (seq) ON DELETE CASCADE,
    path TEXT NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id),
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before INTEGER NOT NULL DEFAULT 0,
    owner TEXT,
    result_id INTEGER REFERENCES results (id),
    error TEXT,
    pages INTEGER,
    chunks INTEGER,
    model_calls INTEGER,
    reused INTEGER,
    scan INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    UNIQUE (job_seq, path)
  );
  CREATE INDEX tasks_by_state ON tasks (job_seq, state, id);
  CREATE INDEX tasks_by_owner ON tasks (owner) WHERE owner IS NOT NULL;
  CREATE INDEX tasks_by_finish ON tasks (job_seq, finished_at);

  CREATE TABLE skipped (
    job_seq INTEGER NOT NULL REFERENCES jobs (seq) ON DELETE CASCADE,
    path TEXT NOT NULL,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    scan INTEGER NOT NULL,
    PRIMARY KEY (job_seq, path)
  );

  CREATE TABLE responses (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
  );
  `,
  // GET /v1/jobs?kind=: one kind newest first is a seek, even when it is rare among many jobs.
  `
  CREATE INDEX jobs_by_kind ON jobs (kind, seq);
  `,
  // GET /v1/documents lists results by figures of their Extraction kept in columns (read here, once, from
  // the Extractions of the results written before). The table is rebuilt, as SQLite cannot move a column,
  // to keep the Extraction last: reading a column after it walks every overflow page of a long one. An
  // Extraction without a file name is named as a document job without one is.
  `
  CREATE TABLE results_new (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    fingerprint TEXT NOT NULL,
    profile TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    extraction TEXT NOT NULL,
    UNIQUE (document_id, fingerprint)
  );
  INSERT INTO results_new
    SELECT id, document_id, fingerprint, profile,
      COALESCE(json_extract(extraction, '$.document.filename'), 'document'),
      json_extract(extraction, '$.document.mediaType'), pages, chunks,
      json_array_length(extraction, '$.entities'), json_array_length(extraction, '$.rejected'),
      created_at, extraction
    FROM results;
  DROP TABLE results;
  ALTER TABLE results_new RENAME TO results;
  CREATE INDEX results_by_document ON results (document_id, profile, id);
  -- One profile newest first is a seek.
  CREATE INDEX results_by_profile ON results (profile, id);
  `,
  // Deleting a document finds the tasks on it, and SQLite checks that no task still refers to the
  // document or to its results being deleted: without these, each is a scan of every task.
  `
  CREATE INDEX tasks_by_document ON tasks (document_id);
  CREATE INDEX tasks_by_result ON tasks (result_id);
  `,
  // Tenants, API keys, sessions and usage. What was stored before belongs to the default tenant. A
  // document is a tenant's through document_owners (two tenants may hold the same bytes, each with its
  // own results), and results are keyed by tenant too: the table is rebuilt for its UNIQUE constraint,
  // the Extraction kept last.
  `
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT,
    tenant TEXT NOT NULL,
    role TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );

  CREATE TABLE sessions (
    hash TEXT PRIMARY KEY,
    key_id TEXT NOT NULL REFERENCES api_keys (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_by_key ON sessions (key_id);
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);

  CREATE TABLE key_usage (
    key_id TEXT NOT NULL REFERENCES api_keys (id),
    day TEXT NOT NULL,
    ocr_pages INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day)
  );

  ALTER TABLE jobs ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
  ALTER TABLE jobs ADD COLUMN created_by TEXT;
  CREATE INDEX jobs_by_tenant ON jobs (tenant, seq);
  CREATE INDEX jobs_by_creator ON jobs (created_by, state) WHERE created_by IS NOT NULL;

  CREATE TABLE document_owners (
    tenant TEXT NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, document_id)
  );
  CREATE INDEX document_owners_by_document ON document_owners (document_id);
  INSERT INTO document_owners SELECT 'default', id, created_at FROM documents;

  CREATE TABLE results_new (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id),
    fingerprint TEXT NOT NULL,
    profile TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    extraction TEXT NOT NULL,
    UNIQUE (tenant, document_id, fingerprint)
  );
  INSERT INTO results_new
    SELECT id, 'default', document_id, fingerprint, profile, name, media_type, pages, chunks, mentions,
      rejected, created_at, extraction
    FROM results;
  DROP TABLE results;
  ALTER TABLE results_new RENAME TO results;
  CREATE INDEX results_by_document ON results (document_id, tenant, profile, id);
  CREATE INDEX results_by_profile ON results (profile, id);
  CREATE INDEX results_by_tenant ON results (tenant, id);
  `,
  // Hard failures remembered for a document's bytes (jobs/failure-memory.ts), gone with the document.
  `
  CREATE TABLE document_failures (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    error TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (document_id, key)
  );
  `,
  // Poison pills (jobs/poison.ts): the deaths of its process a task was at work for, and whether its
  // current claim has begun work (a claim held back to run alone later is not blamed for a death).
  `
  ALTER TABLE tasks ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN started INTEGER NOT NULL DEFAULT 0;
  `,
  // The X-Request-Id of the request that created a job, carried into its work's logs and model calls.
  `
  ALTER TABLE jobs ADD COLUMN request_id TEXT;
  `,
  // Reviewed records (review/): a tenant's record of a document for a profile, its figures in columns
  // for the listings, the mentions last; and its revisions, gone with it.
  `
  CREATE TABLE reviews (
    tenant TEXT NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id),
    profile TEXT NOT NULL,
    result_id INTEGER NOT NULL REFERENCES results (id),
    revision INTEGER NOT NULL,
    state TEXT NOT NULL,
    unreviewed INTEGER NOT NULL,
    confirmed INTEGER NOT NULL,
    corrected INTEGER NOT NULL,
    added INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    mentions TEXT NOT NULL,
    PRIMARY KEY (tenant, document_id, profile)
  );
  CREATE INDEX reviews_by_result ON reviews (result_id);

  CREATE TABLE review_revisions (
    tenant TEXT NOT NULL,
    document_id TEXT NOT NULL,
    profile TEXT NOT NULL,
    revision INTEGER NOT NULL,
    editor TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    change TEXT NOT NULL,
    PRIMARY KEY (tenant, document_id, profile, revision),
    FOREIGN KEY (tenant, document_id, profile) REFERENCES reviews (tenant, document_id, profile)
      ON DELETE CASCADE
  );
  `,
];
