/**
 * Blobs as files in a local folder (DATA_DIR/documents by default): `<dir>/<first two hex digits>/<id>`.
 * Every process of one machine reaches it, and those of several machines when the folder is on a
 * filesystem they share (NFS).
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { type FileHandle, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  type BlobSource,
  BlobStore,
  type ByteRange,
  blobNotFound,
  clampRange,
  MeasuredSource,
  type StoredBlob,
} from "./blobs.js";

/** A blob id is a sha256 in hex: anything else (a path, "..") names no file of the folder. */
const BLOB_ID = /^[0-9a-f]{64}$/;

export class FileBlobStore extends BlobStore {
  constructor(private readonly dir: string) {
    super();
  }

  async write(source: BlobSource, { maxBytes }: { maxBytes: number }): Promise<StoredBlob> {
    const scratch = join(this.dir, ".incoming");
    await mkdir(scratch, { recursive: true });
    const temporary = join(scratch, randomUUID());
    const measured = new MeasuredSource(source, maxBytes);
    try {
      await pipeline(measured.bytes(), createWriteStream(temporary));
      const id = measured.digest();
      await mkdir(join(this.dir, id.slice(0, 2)), { recursive: true });
      // rename is atomic and replaces a file already there, which holds the same bytes: a blob under
      // its final name is always complete, and two processes writing it at once both succeed.
      await rename(temporary, this.pathOf(id));
      return { id, size: measured.size };
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async open(id: string, range?: ByteRange): Promise<Readable> {
    const handle = await this.handleOf(id);
    try {
      const { start, end } = clampRange(range, (await handle.stat()).size);
      if (start === end) {
        await handle.close();
        return Readable.from([], { objectMode: false });
      }
      // The stream closes the handle when it ends or is destroyed; `end` is inclusive there.
      return handle.createReadStream({ start, end: end - 1 });
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async size(id: string): Promise<number> {
    try {
      return (await stat(this.pathOf(id))).size;
    } catch (error) {
      throw this.missing(id, error);
    }
  }

  async delete(id: string): Promise<void> {
    if (BLOB_ID.test(id)) await rm(this.pathOf(id), { force: true });
  }

  private async handleOf(id: string): Promise<FileHandle> {
    try {
      return await open(this.pathOf(id));
    } catch (error) {
      throw this.missing(id, error);
    }
  }

  private pathOf(id: string): string {
    if (!BLOB_ID.test(id)) throw blobNotFound(id, this.where());
    return join(this.dir, id.slice(0, 2), id);
  }

  private missing(id: string, error: unknown): unknown {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? blobNotFound(id, this.where()) : error;
  }

  private where(): string {
    return `the folder ${this.dir}`;
  }
}
