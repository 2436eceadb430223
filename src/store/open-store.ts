/** The store a configuration asks for: today the embedded SQLite file and the document folder under DATA_DIR. */
import { join } from "node:path";
import type { Config } from "../config.js";
import { type BlobStore, FileBlobStore } from "./blobs.js";
import type { Store } from "./port.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";

export interface Storage {
  store: Store;
  blobs: BlobStore;
}

export function openStore(config: Pick<Config, "dataDir" | "storePath">): Storage {
  return {
    store: new SqliteStore(config.storePath ?? join(config.dataDir, "palimpsest.db")),
    blobs: new FileBlobStore(join(config.dataDir, "documents")),
  };
}
