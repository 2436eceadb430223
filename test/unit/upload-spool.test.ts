/**
 * Spooling an upload: kept in memory while small, written to a file as it arrives once large (never
 * buffered whole), and nothing kept when it is too large or the connection breaks.
 */
import { mkdtemp, readdir, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { discard, spool, spooledBytes } from "../../src/api/spool.js";
import { PalimpsestError } from "../../src/errors.js";

const CHUNK = 64 * 1024;
let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), "spool-")), "uploads");
});

const options = (memoryBytes: number, maxBytes = 10 * CHUNK) => ({
  memoryBytes,
  maxBytes,
  dir,
  tooLarge: () => new PalimpsestError("PAYLOAD_TOO_LARGE", "too large"),
});

async function* chunks(count: number, before?: (index: number) => Promise<void>) {
  for (let index = 0; index < count; index++) {
    await before?.(index);
    yield Buffer.alloc(CHUNK, 65 + index);
  }
}

const collect = async (source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>) => {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
};

describe("spool", () => {
  it("keeps a small upload in memory and writes no file", async () => {
    const spooled = await spool(chunks(2), options(2 * CHUNK));
    expect(spooled.size).toBe(2 * CHUNK);
    expect(spooled.bytes?.equals(await collect(chunks(2)))).toBe(true);
    await expect(readdir(dir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("writes a large upload to a file as it arrives, and discards it", async () => {
    const seen: number[] = [];
    let file: string | undefined;
    // Before the last chunk arrives, all but the chunk in flight are already on disk.
    const before = async (index: number) => {
      if (index !== 7) return;
      [file] = await readdir(dir);
      seen.push((await stat(join(dir, file as string))).size);
    };
    const spooled = await spool(chunks(8, before), options(CHUNK));
    expect(spooled).toEqual({ size: 8 * CHUNK, file: join(dir, file as string) });
    expect(seen[0]).toBeGreaterThanOrEqual(6 * CHUNK);
    const sent = await collect(chunks(8));
    expect((await readFile(spooled.file as string)).equals(sent)).toBe(true);
    expect((await collect(spooledBytes(spooled))).equals(sent)).toBe(true);
    await discard(spooled);
    expect(await readdir(dir)).toEqual([]);
  });

  it("stops past the limit and leaves no file", async () => {
    await expect(spool(chunks(11), options(CHUNK))).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(await readdir(dir)).toEqual([]);
  });

  it("leaves no file when the upload breaks off", async () => {
    const broken = chunks(5, async (index) => {
      if (index === 4) throw new Error("connection reset");
    });
    await expect(spool(broken, options(CHUNK))).rejects.toThrow("connection reset");
    expect(await readdir(dir)).toEqual([]);
  });
});
