/**
 * The store a configuration asks for: the PostgreSQL server of STORE_URL, or else the embedded SQLite
 * file; and the document bytes in the folder under DATA_DIR, or in that PostgreSQL database
 * (BLOB_STORE=postgres).
 */
import { join } from "node:path";
import { type Config, ConfigError } from "../config.js";
import { isPalimpsestError } from "../errors.js";
import type { Log } from "../logger.js";
import type { BlobStore } from "./blobs.js";
import { FileBlobStore } from "./file-blobs.js";
import type { Store } from "./port.js";
import { PostgresBlobStore } from "./postgres/blobs.js";
import { PgDatabase } from "./postgres/database.js";
import { PostgresStore } from "./postgres/postgres-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";

export interface Storage {
  store: Store;
  blobs: BlobStore;
  /** The PostgreSQL database behind the store, when STORE_URL names one (closed with the store). */
  database?: PgDatabase;
}

type StoreConfig = Pick<
  Config,
  | "dataDir"
  | "storePath"
  | "storeUrl"
  | "storeSchema"
  | "storePoolSize"
  | "storeRetryMs"
  | "blobStore"
  | "blobChunkBytes"
>;

export async function openStore(config: StoreConfig, logger?: Log): Promise<Storage> {
  const folder = () => new FileBlobStore(join(config.dataDir, "documents"));
  // Without STORE_URL, loadConfig has refused BLOB_STORE=postgres.
  if (config.storeUrl === undefined)
    return {
      store: new SqliteStore(config.storePath ?? join(config.dataDir, "palimpsest.db")),
      blobs: folder(),
    };
  const database = await openDatabase(config.storeUrl, config, logger);
  const blobs =
    config.blobStore === "postgres" ? new PostgresBlobStore(database, config.blobChunkBytes) : folder();
  const store = new PostgresStore(database);
  await store.watching();
  return { store, blobs, database };
}

/** A server that cannot be reached at start is a configuration to check, named as such (exit code 78). */
async function openDatabase(url: string, config: StoreConfig, logger: Log | undefined): Promise<PgDatabase> {
  try {
    return await PgDatabase.open(url, {
      schema: config.storeSchema,
      poolSize: config.storePoolSize,
      retryMs: config.storeRetryMs,
      ...(logger ? { logger } : {}),
    });
  } catch (error) {
    if (isPalimpsestError(error) && error.code === "STORE_UNAVAILABLE")
      throw new ConfigError("STORE_URL", error.message);
    throw error;
  }
}
