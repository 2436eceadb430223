/**
 * The blob port: document bytes, content-addressed. A blob's name is the sha256 of its bytes, so the
 * same bytes are stored once whatever their names. Adapters: a local folder (file-blobs.ts), which
 * every process reaches on one machine or over a shared filesystem, and PostgreSQL
 * (postgres/blobs.ts), which every machine sharing the database reaches. Every adapter must pass
 * test/unit/blob-contract.ts.
 *
 * What an adapter promises:
 * - write streams the bytes in while hashing them, never holding the whole blob; past `maxBytes` it
 *   fails with PAYLOAD_TOO_LARGE and keeps nothing. A blob is visible only once complete, and two
 *   processes writing the same bytes at once make one blob, without an error.
 * - open streams the bytes out as the reader consumes them (a slow reader holds back the reading, so
 *   memory stays bounded whatever the size), from a range when asked.
 * - open and size fail with DOCUMENT_BYTES_NOT_FOUND for a blob that is not there; delete does not.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { PalimpsestError } from "../errors.js";

export interface StoredBlob {
  /** sha256 of the bytes, hex: also the document id. */
  id: string;
  size: number;
}

/** Bytes [start, end) of a blob: `end` past the blob's end (or absent) means up to its end. */
export interface ByteRange {
  start: number;
  end?: number;
}

export type BlobSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export abstract class BlobStore {
  /** Streams `source` in while hashing it; PAYLOAD_TOO_LARGE (and nothing kept) past `maxBytes`. */
  abstract write(source: BlobSource, options: { maxBytes: number }): Promise<StoredBlob>;

  /** The bytes as a stream, read as it is consumed; DOCUMENT_BYTES_NOT_FOUND (before any byte) without such a blob. */
  abstract open(id: string, range?: ByteRange): Promise<Readable>;

  /** The blob's length in bytes; DOCUMENT_BYTES_NOT_FOUND when there is no such blob. */
  abstract size(id: string): Promise<number>;

  /** Removes the blob; one already gone is not an error (a deletion retried after a crash). */
  abstract delete(id: string): Promise<void>;

  /**
   * The blob (or a range of it) in memory, for the readers that need every byte at once (the pipeline,
   * page images): streamed into one buffer of the right size, so the bytes are held once, not twice.
   */
  async read(id: string, range?: ByteRange): Promise<Buffer> {
    const { start, end } = clampRange(range, await this.size(id));
    // Not from the shared pool: readers may hand `bytes.buffer` on (to a PDF parser, a worker).
    const bytes = Buffer.allocUnsafeSlow(end - start);
    let filled = 0;
    for await (const part of await this.open(id, { start, end }))
      filled += (part as Buffer).copy(bytes, filled);
    if (filled !== bytes.length)
      throw new Error(`Blob ${id} gave ${filled} bytes where ${bytes.length} were expected.`);
    return bytes;
  }
}

/**
 * A source passed through while it is hashed and counted: PAYLOAD_TOO_LARGE as soon as it passes
 * `maxBytes`. `size` and `digest()` are final once `bytes()` has ended.
 */
export class MeasuredSource {
  private readonly hash = createHash("sha256");
  size = 0;

  constructor(
    private readonly source: BlobSource,
    private readonly maxBytes: number,
  ) {}

  async *bytes(): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.source) {
      this.size += chunk.byteLength;
      if (this.size > this.maxBytes)
        throw new PalimpsestError(
          "PAYLOAD_TOO_LARGE",
          `The document is larger than ${this.maxBytes} bytes.`,
          {
            details: { limit: this.maxBytes },
          },
        );
      this.hash.update(chunk);
      yield chunk;
    }
  }

  /** sha256 of the bytes, hex: the blob's id. */
  digest(): string {
    return this.hash.digest("hex");
  }
}

/**
 * The range's bytes within a blob of `size` bytes, as [start, end) clamped to the blob; a range that
 * is not one (negative, fractional, end before start) is a bug of the caller, refused as such.
 */
export function clampRange(range: ByteRange | undefined, size: number): { start: number; end: number } {
  const start = range?.start ?? 0;
  const end = range?.end ?? size;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start)
    throw new RangeError(`Not a byte range: [${start}, ${end}).`);
  return { start: Math.min(start, size), end: Math.min(end, size) };
}

/**
 * A blob asked for that is not there. The usual cause is a process that does not see the store the
 * document was written to, hence the hint.
 */
export function blobNotFound(id: string, where: string): PalimpsestError {
  return new PalimpsestError(
    "DOCUMENT_BYTES_NOT_FOUND",
    `The bytes of document ${id} are not in ${where}. If they were received by a process on another machine, set BLOB_STORE=postgres (or share DATA_DIR) on every machine; otherwise upload the document again.`,
    { details: { document: id } },
  );
}
