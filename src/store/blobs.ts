/**
 * Document bytes, content-addressed: a blob's name is the sha256 of its bytes, so the same bytes are
 * stored once whatever their names. The port lets a shared object store replace the local folder
 * when several machines work on one store.
 */
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { access, mkdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { PalimpsestError } from "../errors.js";

export interface StoredBlob {
  /** sha256 of the bytes, hex: also the document id. */
  id: string;
  size: number;
}

export interface BlobStore {
  /** Streams `source` in while hashing it; PAYLOAD_TOO_LARGE (and nothing kept) past `maxBytes`. */
  write(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: { maxBytes: number },
  ): Promise<StoredBlob>;
  read(id: string): Promise<Buffer>;
  /** Removes the blob; one already gone is not an error (a deletion retried after a crash). */
  delete(id: string): Promise<void>;
}

export class FileBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private pathOf(id: string): string {
    return join(this.dir, id.slice(0, 2), id);
  }

  async write(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    { maxBytes }: { maxBytes: number },
  ): Promise<StoredBlob> {
    const scratch = join(this.dir, ".incoming");
    await mkdir(scratch, { recursive: true });
    const temporary = join(scratch, randomUUID());
    const hash = createHash("sha256");
    let size = 0;
    async function* counted() {
      for await (const chunk of source) {
        size += chunk.byteLength;
        if (size > maxBytes)
          throw new PalimpsestError("PAYLOAD_TOO_LARGE", `The document is larger than ${maxBytes} bytes.`, {
            details: { limit: maxBytes },
          });
        hash.update(chunk);
        yield chunk;
      }
    }
    try {
      await pipeline(counted, createWriteStream(temporary));
      const id = hash.digest("hex");
      const target = this.pathOf(id);
      if (await exists(target)) {
        await rm(temporary);
      } else {
        await mkdir(join(this.dir, id.slice(0, 2)), { recursive: true });
        // rename is atomic: a blob under its final name is always complete.
        await rename(temporary, target);
      }
      return { id, size };
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  read(id: string): Promise<Buffer> {
    return readFile(this.pathOf(id));
  }

  delete(id: string): Promise<void> {
    return rm(this.pathOf(id), { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
