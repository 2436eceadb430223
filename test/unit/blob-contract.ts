/**
 * The contract every blob adapter must pass (see src/store/blobs.ts): run it with a factory that gives
 * a fresh, empty blob store whose adapter reads and writes in pieces of at most 64 KiB, e.g.
 * `blobContract("folder", async () => ({ blobs: new FileBlobStore(dir), kept: ... }))`.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BlobStore } from "../../src/store/blobs.js";

export interface BlobFixture {
  blobs: BlobStore;
  /** How many things holding bytes the adapter keeps (files, rows): what a failed write must not add to. */
  kept(): Promise<number>;
  close?(): Promise<void>;
}

/** The adapter's reading piece under this contract: a blob of many of them streams in many steps. */
export const PIECE = 64 * 1024;

/** Bytes that differ at every offset within a period longer than a piece, so a misplaced piece shows. */
export function patterned(length: number, seed = 0): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + Math.floor(i / 251) + seed) % 256;
  return bytes;
}

/** `bytes` handed over in pieces of `size` bytes, as an upload arrives. */
export async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function drain(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export function blobContract(name: string, open: () => Promise<BlobFixture>): void {
  describe(`blob contract: ${name}`, () => {
    let fixture: BlobFixture;
    let blobs: BlobStore;
    beforeEach(async () => {
      fixture = await open();
      blobs = fixture.blobs;
    });
    afterEach(() => fixture.close?.());

    // Three and a half pieces, arriving in pieces of another size, so that none lines up.
    const document = patterned(3.5 * PIECE);

    it("names a blob by the sha256 of its bytes and gives them back whole, in order", async () => {
      const stored = await blobs.write(inPieces(document, 10_007), { maxBytes: document.length });
      expect(stored).toEqual({ id: sha256(document), size: document.length });
      expect(await blobs.size(stored.id)).toBe(document.length);
      expect((await blobs.read(stored.id)).equals(document)).toBe(true);
      expect((await drain(await blobs.open(stored.id))).equals(document)).toBe(true);
    });

    it("keeps an empty blob", async () => {
      const stored = await blobs.write([], { maxBytes: 10 });
      expect(stored).toEqual({ id: sha256(Buffer.alloc(0)), size: 0 });
      expect(await blobs.read(stored.id)).toHaveLength(0);
    });

    it("streams a range, within a piece, across pieces, and clamped to the blob's end", async () => {
      const { id } = await blobs.write(inPieces(document, 10_007), { maxBytes: document.length });
      const ranges: [number, number | undefined][] = [
        [0, 1],
        [5, 500],
        [PIECE - 3, PIECE + 3],
        [PIECE, 2 * PIECE],
        [PIECE + 1, 3 * PIECE + 17],
        [3 * PIECE, undefined],
        [document.length - 1, document.length + 1000],
        [10, 10],
        [document.length, undefined],
        [document.length + 5, document.length + 9],
      ];
      for (const [start, end] of ranges) {
        const bytes = await drain(await blobs.open(id, end === undefined ? { start } : { start, end }));
        expect({ start, end, equal: bytes.equals(document.subarray(start, end)) }).toEqual({
          start,
          end,
          equal: true,
        });
      }
    });

    it("refuses a range that is not one", async () => {
      const { id } = await blobs.write([document], { maxBytes: document.length });
      await expect(blobs.open(id, { start: 10, end: 5 })).rejects.toThrow(/Not a byte range/);
      await expect(blobs.open(id, { start: -1 })).rejects.toThrow(/Not a byte range/);
    });

    it("reads only a little ahead of a reader that has stopped", async () => {
      const large = patterned(32 * PIECE, 7);
      const { id } = await blobs.write(inPieces(large, PIECE), { maxBytes: large.length });
      const stream = await blobs.open(id);
      // Bytes, not objects: readableLength then counts what is held in memory.
      expect(stream.readableObjectMode).toBe(false);
      const first = await new Promise<Buffer>((resolve, reject) => {
        stream.once("error", reject);
        stream.once("readable", () => resolve(stream.read() as Buffer));
      });
      expect(first.equals(large.subarray(0, first.length))).toBe(true);
      // Give a reader that ignores backpressure every chance to run ahead.
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(stream.readableLength).toBeLessThanOrEqual(2 * PIECE);
      stream.destroy();
    });

    it("makes one blob of the same bytes written at once by several writers", async () => {
      const writes = await Promise.all(
        [1, 2, 3, 4].map((n) => blobs.write(inPieces(document, 5_000 * n), { maxBytes: document.length })),
      );
      expect(new Set(writes.map((write) => write.id))).toEqual(new Set([sha256(document)]));
      const once = await fixture.kept();
      await blobs.write([document], { maxBytes: document.length });
      expect(await fixture.kept()).toBe(once);
      expect((await blobs.read(sha256(document))).equals(document)).toBe(true);
    });

    it("refuses bytes past maxBytes with PAYLOAD_TOO_LARGE and keeps nothing of them", async () => {
      await expect(
        blobs.write(inPieces(document, 10_007), { maxBytes: document.length - 1 }),
      ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE", details: { limit: document.length - 1 } });
      expect(await fixture.kept()).toBe(0);
      await expect(blobs.size(sha256(document))).rejects.toMatchObject({ code: "DOCUMENT_BYTES_NOT_FOUND" });
    });

    it("keeps nothing of a source that fails halfway", async () => {
      async function* broken() {
        yield document.subarray(0, 2 * PIECE);
        throw new Error("connection reset");
      }
      await expect(blobs.write(broken(), { maxBytes: document.length })).rejects.toThrow("connection reset");
      expect(await fixture.kept()).toBe(0);
    });

    it("deletes a blob, and a blob already gone without an error", async () => {
      const { id } = await blobs.write([document], { maxBytes: document.length });
      await blobs.delete(id);
      expect(await fixture.kept()).toBe(0);
      await expect(blobs.open(id)).rejects.toMatchObject({ code: "DOCUMENT_BYTES_NOT_FOUND" });
      await expect(blobs.delete(id)).resolves.toBeUndefined();
    });

    it("answers DOCUMENT_BYTES_NOT_FOUND naming the document for a blob that is not there", async () => {
      const id = sha256(Buffer.from("never stored"));
      const attempts = [
        () => blobs.open(id),
        () => blobs.open(id, { start: 3 }),
        () => blobs.size(id),
        () => blobs.read(id),
      ];
      for (const attempt of attempts)
        await expect(attempt()).rejects.toMatchObject({
          code: "DOCUMENT_BYTES_NOT_FOUND",
          message: expect.stringContaining(id),
          details: { document: id },
        });
      await expect(blobs.size("../../etc/passwd")).rejects.toMatchObject({
        code: "DOCUMENT_BYTES_NOT_FOUND",
      });
    });
  });
}
