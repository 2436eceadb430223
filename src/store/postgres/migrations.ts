/**
 * The PostgreSQL schema, version by version, applied in order by PgDatabase.open (database.ts) and
 * recorded in schema_migrations. Each part of Palimpsest that keeps tables in PostgreSQL adds its
 * migration to this list with the next version number: a version, once released, never changes.
 */
import { BLOB_MIGRATION } from "./blobs-schema.js";
import { MODEL_SLOTS_MIGRATION } from "./model-slots-schema.js";
import { REVIEW_MIGRATION } from "./review-schema.js";
import { STORE_MIGRATION } from "./store-schema.js";

export interface Migration {
  version: number;
  name: string;
  /** Statements run in one transaction, with search_path set to the store's schema. */
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  STORE_MIGRATION,
  BLOB_MIGRATION,
  MODEL_SLOTS_MIGRATION,
  REVIEW_MIGRATION,
];
