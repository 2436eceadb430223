/**
 * Blobs in PostgreSQL (BLOB_STORE=postgres), for API and worker processes on machines that share the
 * database and nothing else. The tables, and why chunk rows rather than large objects, are in
 * blobs-schema.ts.
 *
 * A write inserts each chunk as soon as its bytes have arrived, in one transaction that names the blob
 * at the end: only one chunk is ever in memory, and a blob is visible complete or not at all. The bytes
 * come from a spooled upload or an archive on local disk, so the transaction lasts as long as the
 * database takes to store them, never as long as a slow client takes to send them. A read fetches one
 * chunk (or the part of it a range needs) at a time, only when the reader has taken the one before,
 * each with a connection of the pool for that statement alone: a slow reader holds no connection.
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { PalimpsestError } from "../../errors.js";
import {
  type BlobSource,
  BlobStore,
  type ByteRange,
  blobNotFound,
  clampRange,
  MeasuredSource,
  type StoredBlob,
} from "../blobs.js";
import type { PgDatabase } from "./database.js";

/** What the adapter needs of the database (tests count its statements). */
export type BlobDatabase = Pick<PgDatabase, "query" | "transaction">;

interface BlobRow {
  content: string;
  size: number;
  chunk_bytes: number;
}

export class PostgresBlobStore extends BlobStore {
  constructor(
    private readonly db: BlobDatabase,
    private readonly chunkBytes: number,
  ) {
    super();
  }

  async write(source: BlobSource, { maxBytes }: { maxBytes: number }): Promise<StoredBlob> {
    const measured = new MeasuredSource(source, maxBytes);
    let begun = false;
    return this.db.transaction(async (tx) => {
      // The transaction is run again after a lost connection, but the bytes it read are gone.
      if (begun)
        throw new PalimpsestError(
          "STORE_UNAVAILABLE",
          "The connection to the database was lost while the document was being stored: send it again.",
        );
      begun = true;
      const content = randomUUID();
      let seq = 0;
      for await (const chunk of inChunks(measured.bytes(), this.chunkBytes))
        await tx.query("INSERT INTO blob_chunks (content, seq, data) VALUES ($1, $2, $3)", [
          content,
          seq++,
          chunk,
        ]);
      const id = measured.digest();
      // The same bytes written at once by another process: its row wins (this insert waits for its
      // commit), and these chunks go.
      const named = await tx.query(
        `INSERT INTO blobs (id, content, size, chunk_bytes) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [id, content, measured.size, this.chunkBytes],
      );
      if (named.length === 0) await tx.query("DELETE FROM blob_chunks WHERE content = $1", [content]);
      return { id, size: measured.size };
    });
  }

  async open(id: string, range?: ByteRange): Promise<Readable> {
    const blob = await this.row(id);
    const { start, end } = clampRange(range, blob.size);
    return new ChunkReader(this.db, id, blob, start, end);
  }

  async size(id: string): Promise<number> {
    return (await this.row(id)).size;
  }

  async delete(id: string): Promise<void> {
    // The chunks go with the row (ON DELETE CASCADE).
    await this.db.query("DELETE FROM blobs WHERE id = $1", [id]);
  }

  private async row(id: string): Promise<BlobRow> {
    const [row] = await this.db.query<BlobRow>("SELECT content, size, chunk_bytes FROM blobs WHERE id = $1", [
      id,
    ]);
    if (!row) throw blobNotFound(id, WHERE);
    return row;
  }
}

const WHERE = "the database's blob store (BLOB_STORE=postgres)";

/** Bytes [start, end) of a blob, fetched a chunk at a time as the reader asks for more. */
class ChunkReader extends Readable {
  private at: number;

  constructor(
    private readonly db: BlobDatabase,
    private readonly id: string,
    private readonly blob: BlobRow,
    start: number,
    private readonly end: number,
  ) {
    super();
    this.at = start;
  }

  // Readable calls this again only once a chunk has been pushed and the reader wants more.
  override _read(): void {
    if (this.at >= this.end) {
      this.push(null);
      return;
    }
    const { content, chunk_bytes: chunkBytes } = this.blob;
    const seq = Math.floor(this.at / chunkBytes);
    const offset = this.at - seq * chunkBytes;
    const length = Math.min(chunkBytes - offset, this.end - this.at);
    this.db
      .query<{ data: Buffer }>(
        "SELECT substring(data FROM $3 FOR $4) AS data FROM blob_chunks WHERE content = $1 AND seq = $2",
        [content, seq, offset + 1, length],
      )
      .then(
        ([row]) => {
          if (this.destroyed) return;
          // Deleted while it was being read.
          if (!row || row.data.length !== length) return this.destroy(blobNotFound(this.id, WHERE));
          this.at += length;
          this.push(row.data);
        },
        (error: unknown) => this.destroy(error as Error),
      );
  }
}

/** The bytes regrouped in chunks of exactly `size` bytes, the last one shorter; one chunk in memory. */
async function* inChunks(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let chunk = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const piece of source) {
    for (let taken = 0; taken < piece.byteLength; ) {
      const copied = Buffer.from(piece.buffer, piece.byteOffset + taken, piece.byteLength - taken).copy(
        chunk,
        filled,
      );
      taken += copied;
      filled += copied;
      if (filled === size) {
        yield chunk;
        // A new buffer: the one yielded may still be read (sent to the server) after this.
        chunk = Buffer.allocUnsafe(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield chunk.subarray(0, filled);
}
