/**
 * Writes and reads one large blob through each blob adapter (the folder, PostgreSQL), as an upload
 * stores a document and a reader streams it out, and prints the throughput and how much the process's
 * peak memory grew in each step: streaming must keep it far below the blob's size.
 *
 *   npx tsx --expose-gc bench/blobs.ts      # SIZE_MB=256 ADAPTERS=folder,postgres
 *                                           # STORE_URL (default: the local test server), BLOB_CHUNK_BYTES
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SETTINGS } from "../src/config.js";
import type { BlobStore } from "../src/store/blobs.js";
import { FileBlobStore } from "../src/store/file-blobs.js";
import { PostgresBlobStore } from "../src/store/postgres/blobs.js";
import { PgDatabase } from "../src/store/postgres/database.js";

const SIZE = Number(process.env.SIZE_MB ?? 256) * 1024 * 1024;
const ADAPTERS = (process.env.ADAPTERS ?? "folder,postgres").split(",");
const STORE_URL = process.env.STORE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const CHUNK_BYTES = Number(process.env.BLOB_CHUNK_BYTES ?? SETTINGS.blobChunkBytes.default);
/** What an upload hands over at a time (a spooled file is read in 64 KiB pieces). */
const PIECE = 64 * 1024;
const MiB = 1024 * 1024;

interface Adapter {
  blobs: BlobStore;
  close(): Promise<void>;
}

async function openAdapter(name: string): Promise<Adapter> {
  if (name === "folder") {
    const dir = await mkdtemp(join(tmpdir(), "bench-blobs-"));
    return { blobs: new FileBlobStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
  }
  if (name === "postgres") {
    const schema = `bench_blobs_${randomBytes(4).toString("hex")}`;
    const db = await PgDatabase.open(STORE_URL, { schema });
    return {
      blobs: new PostgresBlobStore(db, CHUNK_BYTES),
      async close() {
        await db.query(`DROP SCHEMA ${schema} CASCADE`);
        await db.close();
      },
    };
  }
  throw new Error(`unknown adapter "${name}": folder or postgres`);
}

/** SIZE bytes in PIECE-sized pieces, made as they are asked for (never all in memory). */
async function* upload(): AsyncGenerator<Uint8Array> {
  const piece = randomBytes(PIECE);
  for (let sent = 0; sent < SIZE; sent += PIECE) {
    piece.writeUInt32LE(sent / PIECE);
    yield piece.subarray(0, Math.min(PIECE, SIZE - sent));
  }
}

function peakRssKiB(): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? Number.NaN);
}

/** Runs `step` and answers its seconds and how far the peak RSS rose above the RSS at its start. */
async function measured(step: () => Promise<void>): Promise<{ seconds: number; peakGrowthMiB: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  // Resets VmHWM to the current RSS (Linux): the peak read after is this step's own.
  writeFileSync("/proc/self/clear_refs", "5");
  const before = peakRssKiB();
  const started = performance.now();
  await step();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, peakGrowthMiB: (peakRssKiB() - before) / 1024 };
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: () => void }).gc)
    console.warn("run with --expose-gc for figures that do not carry the previous step's garbage");
  console.log(`blob of ${SIZE / MiB} MiB, PostgreSQL chunks of ${CHUNK_BYTES / 1024} KiB\n`);
  console.log("| adapter | step | MB/s | peak RSS growth |");
  console.log("|---|---|---|---|");
  for (const name of ADAPTERS) {
    const { blobs, close } = await openAdapter(name);
    try {
      let id = "";
      let read = 0;
      const steps: [string, () => Promise<void>][] = [
        [
          "write (streamed in)",
          async () => {
            ({ id } = await blobs.write(upload(), { maxBytes: SIZE }));
          },
        ],
        [
          "open (streamed out)",
          async () => {
            read = 0;
            for await (const part of await blobs.open(id)) read += (part as Buffer).length;
          },
        ],
        [
          "read (whole, for contrast)",
          async () => {
            read = (await blobs.read(id)).length;
          },
        ],
      ];
      for (const [step, run] of steps) {
        const { seconds, peakGrowthMiB } = await measured(run);
        if (step !== steps[0]?.[0] && read !== SIZE)
          throw new Error(`${name}: read ${read} bytes of ${SIZE}`);
        console.log(
          `| ${name} | ${step} | ${(SIZE / 1e6 / seconds).toFixed(0)} | ${peakGrowthMiB.toFixed(0)} MiB |`,
        );
      }
    } finally {
      await close();
    }
  }
}

await main();
