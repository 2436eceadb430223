/**
 * Blobs in PostgreSQL: the blob contract, and what only chunk rows can show: chunks written as the
 * bytes arrive and fetched one at a time as the reader asks, ranges reading only their chunks, blobs
 * written with another chunk size, one blob for concurrent writers, a blob deleted while it is read.
 */
import type { Readable } from "node:stream";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { FileBlobStore } from "../../src/store/file-blobs.js";
import { openStore } from "../../src/store/open-store.js";
import { type BlobDatabase, PostgresBlobStore } from "../../src/store/postgres/blobs.js";
import type { PgDatabase, PgQueryable } from "../../src/store/postgres/database.js";
import {
  dropTestSchemas,
  freshSchema,
  hasPostgres,
  openTestDatabase,
  POSTGRES_URL,
} from "../support/postgres.js";
import { blobContract, inPieces, PIECE, patterned, sha256 } from "./blob-contract.js";

afterAll(dropTestSchemas);

async function chunkRows(db: PgQueryable): Promise<number> {
  const [row] = await db.query<{ count: number }>("SELECT count(*)::int AS count FROM blob_chunks");
  return row?.count ?? 0;
}

/** The database with every statement recorded, inside transactions too. */
function recorded(db: PgDatabase): { db: BlobDatabase; statements: string[] } {
  const statements: string[] = [];
  const record = (queryable: PgQueryable): PgQueryable => ({
    query: <R extends object>(text: string, values?: unknown[]) => {
      statements.push(text);
      return queryable.query<R>(text, values);
    },
  });
  return {
    statements,
    db: {
      query: record(db).query,
      transaction: (work) => db.transaction((tx) => work(record(tx))),
    },
  };
}

const fetches = (statements: string[]) =>
  statements.filter((text) => text.includes("FROM blob_chunks")).length;
const inserts = (statements: string[]) =>
  statements.filter((text) => text.startsWith("INSERT INTO blob_chunks")).length;

/** The first piece the stream gives, then nothing more is asked of it. */
function firstPiece(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    stream.once("error", reject);
    stream.once("readable", () => resolve(stream.read() as Buffer));
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasPostgres)("PostgreSQL blobs", () => {
  blobContract("PostgreSQL", async () => {
    const db = await openTestDatabase();
    return { blobs: new PostgresBlobStore(db, PIECE), kept: () => chunkRows(db), close: () => db.close() };
  });

  describe("chunk rows", () => {
    let db: PgDatabase;
    beforeEach(async () => {
      db = await openTestDatabase();
    });
    afterEach(() => db.close());

    it("keeps a blob as numbered chunks of the configured size, the last one shorter", async () => {
      const bytes = patterned(3.5 * PIECE);
      const { id } = await new PostgresBlobStore(db, PIECE).write(inPieces(bytes, 10_007), {
        maxBytes: bytes.length,
      });
      expect(await db.query("SELECT id, size, chunk_bytes FROM blobs")).toEqual([
        { id, size: bytes.length, chunk_bytes: PIECE },
      ]);
      const chunks = await db.query<{ seq: number; length: number }>(
        "SELECT seq, length(data) AS length FROM blob_chunks ORDER BY seq",
      );
      expect(chunks).toEqual([
        { seq: 0, length: PIECE },
        { seq: 1, length: PIECE },
        { seq: 2, length: PIECE },
        { seq: 3, length: PIECE / 2 },
      ]);
    });

    it("inserts each chunk as its bytes arrive, not once the source has ended", async () => {
      const { db: counted, statements } = recorded(db);
      const bytes = patterned(8 * PIECE);
      const insertedBefore: number[] = [];
      async function* upload() {
        for await (const piece of inPieces(bytes, PIECE / 2)) {
          insertedBefore.push(inserts(statements));
          yield piece;
        }
      }
      await new PostgresBlobStore(counted, PIECE).write(upload(), { maxBytes: bytes.length });
      // When the last half-chunk is handed over, the seven whole chunks before it are in the database.
      expect(insertedBefore.at(-1)).toBe(7);
      expect(inserts(statements)).toBe(8);
    });

    it("fetches one chunk ahead of what the reader took, and no more while it waits", async () => {
      const bytes = patterned(32 * PIECE, 3);
      const { id } = await new PostgresBlobStore(db, PIECE).write([bytes], { maxBytes: bytes.length });
      const { db: counted, statements } = recorded(db);
      const stream = await new PostgresBlobStore(counted, PIECE).open(id);
      const first = await firstPiece(stream);
      expect(first.equals(bytes.subarray(0, PIECE))).toBe(true);
      await pause(100);
      expect(fetches(statements)).toBe(2);
      const rest: Buffer[] = [];
      for await (const piece of stream) rest.push(piece as Buffer);
      expect(Buffer.concat([first, ...rest]).equals(bytes)).toBe(true);
      expect(fetches(statements)).toBe(32);
    });

    it("reads only the chunks a range covers, and those of a blob written with another chunk size", async () => {
      const bytes = patterned(8 * PIECE, 5);
      const { id } = await new PostgresBlobStore(db, PIECE).write([bytes], { maxBytes: bytes.length });
      const { db: counted, statements } = recorded(db);
      const later = new PostgresBlobStore(counted, PIECE / 4);
      const range = { start: 2 * PIECE + 10, end: 4 * PIECE + 20 };
      expect((await later.read(id, range)).equals(bytes.subarray(range.start, range.end))).toBe(true);
      expect(fetches(statements)).toBe(3);
      expect((await later.read(id)).equals(bytes)).toBe(true);
    });

    it("keeps one blob when several processes write the same bytes at once", async () => {
      const others = await Promise.all([1, 2, 3].map(() => openTestDatabase({ schema: db.schema })));
      try {
        const bytes = patterned(5 * PIECE, 9);
        const writes = await Promise.all(
          [db, ...others].map((each, n) =>
            new PostgresBlobStore(each, PIECE).write(inPieces(bytes, 4_000 * (n + 1)), {
              maxBytes: bytes.length,
            }),
          ),
        );
        expect(writes.map((write) => write.id)).toEqual(Array(4).fill(sha256(bytes)));
        expect(await db.query("SELECT count(*)::int AS count FROM blobs")).toEqual([{ count: 1 }]);
        expect(await chunkRows(db)).toBe(5);
      } finally {
        await Promise.all(others.map((other) => other.close()));
      }
    });

    it("ends a read with DOCUMENT_BYTES_NOT_FOUND when the blob is deleted meanwhile", async () => {
      const blobs = new PostgresBlobStore(db, PIECE);
      const bytes = patterned(4 * PIECE, 11);
      const { id } = await blobs.write([bytes], { maxBytes: bytes.length });
      const stream = await blobs.open(id);
      await firstPiece(stream);
      await blobs.delete(id);
      expect(await chunkRows(db)).toBe(0);
      await expect(
        (async () => {
          for await (const _ of stream);
        })(),
      ).rejects.toMatchObject({ code: "DOCUMENT_BYTES_NOT_FOUND", details: { document: id } });
    });
  });

  it("is chosen by BLOB_STORE, in the database of STORE_URL", async () => {
    const env = { STORE_URL: POSTGRES_URL, STORE_SCHEMA: freshSchema() };
    const chosen = await openStore(loadConfig({ ...env, BLOB_STORE: "postgres", BLOB_CHUNK_BYTES: "1024" }));
    const folder = await openStore(loadConfig(env));
    try {
      expect(chosen.blobs).toBeInstanceOf(PostgresBlobStore);
      expect(folder.blobs).toBeInstanceOf(FileBlobStore);
      const bytes = patterned(3000);
      await chosen.blobs.write([bytes], { maxBytes: bytes.length });
      const database = chosen.database as PgDatabase;
      expect(await database.query("SELECT size, chunk_bytes FROM blobs")).toEqual([
        { size: 3000, chunk_bytes: 1024 },
      ]);
      expect(await chunkRows(database)).toBe(3);
    } finally {
      await chosen.store.close();
      await folder.store.close();
    }
  });
});
