/**
 * Version 2 of the PostgreSQL schema: document bytes (postgres/blobs.ts), as rows of chunks.
 *
 * A blob is one `blobs` row (its sha256 id, size, and the chunk size it was written with) and its
 * bytes are `blob_chunks` rows of that many bytes each (the last one shorter), numbered from 0.
 * Chunks hang on `content`, a key drawn for each write, not on the sha256: a write inserts its chunks
 * as the bytes arrive, before their hash is known, and then names them in one `blobs` row. The
 * foreign key is checked at commit for that reason, and removes a blob's chunks with its row.
 *
 * Chunk rows rather than PostgreSQL's large objects (lo_create, lo_read), because:
 * - large objects all live in one catalog table of the database (pg_largeobject), outside any schema:
 *   they cannot be kept in the deployment's own schema, and each one has its own owner and access
 *   rights (GRANT ... ON LARGE OBJECT), to be granted object by object when the API and the workers
 *   connect as different roles, whereas these tables are granted once;
 * - pg_dump leaves large objects out of a dump restricted with --schema or --table (unless given -b),
 *   so backing up Palimpsest's schema alone would silently lose the documents; rows are in it;
 * - a large object is not removed with the row that names it: it stays until lo_unlink, or until
 *   vacuumlo finds it orphaned, whereas a deleted blob's chunk rows go with it and ordinary
 *   (auto)vacuum reclaims their space.
 * `data` is stored EXTERNAL: out of line and uncompressed, since scans and PDFs are compressed
 * already, and so that substring() reads only the TOAST slices a range needs.
 */
import type { Migration } from "./migrations.js";

export const BLOB_MIGRATION: Migration = {
  version: 2,
  name: "blobs",
  sql: `
  CREATE TABLE blobs (
    id text PRIMARY KEY,
    content uuid NOT NULL UNIQUE,
    size bigint NOT NULL,
    chunk_bytes integer NOT NULL CHECK (chunk_bytes > 0)
  );

  CREATE TABLE blob_chunks (
    content uuid NOT NULL REFERENCES blobs (content) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    seq integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (content, seq)
  );
  ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
  `,
};
