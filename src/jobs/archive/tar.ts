/**
 * Reads a TAR stream (optionally gzip-compressed) entry by entry with tar-stream. TAR is sequential:
 * whatever a caller leaves of an entry is drained before the next. Every byte that comes out of the
 * decompressor is shown to `onBytes` (drained ones too): a gzip bomb is stopped while it inflates.
 */
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { PalimpsestError } from "../../errors.js";
import type { ArchiveEntry, EntryType } from "./entry.js";

const TYPES: Record<string, EntryType> = {
  file: "file",
  "contiguous-file": "file",
  directory: "directory",
  symlink: "symlink",
  link: "symlink",
};

export async function* tarEntries(
  input: Readable,
  options: { gzip: boolean; onBytes: (bytes: number) => void },
): AsyncGenerator<ArchiveEntry> {
  const extract = tar.extract();
  async function* counted(source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      options.onBytes(chunk.byteLength);
      yield chunk;
    }
  }
  const feeding = options.gzip
    ? pipeline(input, createGunzip(), counted, extract)
    : pipeline(input, counted, extract);
  // Errors surface through the extractor's iterator; this keeps the pipeline's own rejection handled.
  feeding.catch(() => {});
  try {
    for await (const stream of extract) {
      const { header } = stream;
      yield {
        name: header.name,
        type: TYPES[header.type] ?? "special",
        encrypted: false,
        size: header.size,
        content: () => withoutDestroying(stream as unknown as AsyncIterable<Uint8Array>),
      };
      // Drops what the caller left; the extractor then moves on to the next header.
      stream.resume();
    }
    await feeding;
  } catch (error) {
    if (error instanceof PalimpsestError) throw error;
    throw new PalimpsestError(
      "ARCHIVE_UNREADABLE",
      `The TAR archive cannot be read: ${(error as Error).message}.`,
      {
        cause: error,
      },
    );
  } finally {
    input.destroy();
  }
}

/** Iterates an entry without destroying it when the caller stops early: that would abort the whole TAR. */
function withoutDestroying(stream: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = stream[Symbol.asyncIterator]();
      return {
        next: () => iterator.next(),
        return: async () => ({ done: true, value: undefined }),
      };
    },
  };
}
