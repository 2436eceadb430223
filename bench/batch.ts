/**
 * Batch throughput, memory and re-run cost, measured on `palimpsest batch` as a user runs it (a child
 * process, its own SQLite store under a temporary DATA_DIR):
 *
 * 1. 1,000 documents (a folder) against a TGI server that answers after LATENCY ms and serves SLOTS
 *    requests at once: documents per second, and model-call throughput as a share of the ideal
 *    (SLOTS calls per LATENCY); retries (a 429 would cause one) and the most calls the server held.
 * 2. The same command again, and the same documents as a ZIP (a new job): model calls made.
 * 3. A 10,000-document ZIP: peak memory of the process (VmHWM) and its resident memory as the batch
 *    advances, to show it stays flat.
 *
 *   npx tsx bench/batch.ts                    (builds dist/ first: it measures the command users run)
 *   BLOOM_ENDPOINT_URL=http://host:port npx tsx bench/batch.ts   (another TGI-compatible server; give
 *                                          its LATENCY so the ideal can be computed; SLOTS is read from /info)
 * Environment: LATENCY (ms, default 200), SLOTS (default 8), DOCUMENTS (default 1000),
 * ARCHIVE_DOCUMENTS (default 10000), ARCHIVE_LATENCY (ms, default 20: part 3 measures memory, not speed).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { writeZip } from "../test/support/archives.js";
import { lexiconModel } from "../test/support/harness.js";
import { startTgiTestServer, type TgiTestServer } from "../test/support/tgi-server.js";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const LATENCY = env("LATENCY", 200);
const DOCUMENTS = env("DOCUMENTS", 1000);
const ARCHIVE_DOCUMENTS = env("ARCHIVE_DOCUMENTS", 10_000);
const ARCHIVE_LATENCY = env("ARCHIVE_LATENCY", 20);
/** The built command, as users run it (`npm run build` first: the bench builds it). */
const CLI = ["dist/src/cli/main.js"];

const PLACES = ["Bordeaux", "Nîmes", "Lyon", "Genève", "Reims"];
const PERSONS = ["Jean Dupuy", "Marie Curval", "Pierre Lenoir"];
const LEXICON = [
  ...PLACES.map((text) => ({ type: "place", text })),
  ...PERSONS.map((text) => ({ type: "person", text })),
];

/** A letter of about 600 characters: one chunk, a few mentions, different for every n. */
function letter(n: number): string {
  const place = PLACES[n % PLACES.length];
  const person = PERSONS[n % PERSONS.length];
  return [
    `Lettre numéro ${n}, écrite à ${place} le ${(n % 28) + 1} mars 1790.`,
    `Monsieur, j'ai reçu la vôtre du mois dernier et je vous remercie des nouvelles que vous me donnez de ${person}.`,
    "Les affaires du commerce vont lentement en cette saison ; les vins de la dernière récolte sont de bonne qualité,",
    "mais les routes sont mauvaises et les voitures arrivent tard. Je vous prie de présenter mes respects à madame",
    `votre mère et de me croire, avec la plus parfaite considération, votre très humble serviteur. (${n})`,
  ].join("\n");
}

interface Run {
  code: number | null;
  stderr: string;
  seconds: number;
  /** Peak resident memory of the process (VmHWM), MiB. */
  peakMiB: number;
  /** Resident memory (MiB) against documents done, sampled as the batch advances. */
  samples: { done: number; rssMiB: number }[];
}

function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kib("VmRSS") / 1024, hwm: kib("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

function doneCount(dataDir: string): number {
  try {
    const db = new Database(join(dataDir, "palimpsest.db"), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE state = 'done'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

async function batch(args: string[], dataDir: string, extraEnv: Record<string, string>): Promise<Run> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...CLI, "batch", ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn", ...extraEnv },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let peakMiB = 0;
  const samples: Run["samples"] = [];
  const sampler = setInterval(() => {
    const memory = memoryOf(child.pid as number);
    if (!memory) return;
    peakMiB = Math.max(peakMiB, memory.hwm);
    samples.push({ done: doneCount(dataDir), rssMiB: memory.rss });
  }, 250);
  const [code] = (await once(child, "exit")) as [number | null];
  clearInterval(sampler);
  return { code, stderr, seconds: (performance.now() - started) / 1000, peakMiB, samples };
}

/** What the store says of the run: documents done, model calls, and the processing window. */
function storeFigures(dataDir: string) {
  const db = new Database(join(dataDir, "palimpsest.db"), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT COUNT(*) AS done, TOTAL(model_calls) AS calls, MIN(started_at) AS first, MAX(finished_at) AS last
         FROM tasks WHERE state = 'done'`,
      )
      .get() as { done: number; calls: number; first: number; last: number };
  } finally {
    db.close();
  }
}

async function retriesIn(out: string): Promise<number> {
  let retries = 0;
  for (const line of (await readFile(out, "utf8")).trim().split("\n")) {
    const parsed = JSON.parse(line) as { extraction?: { stats: { retries: number } } };
    retries += parsed.extraction?.stats.retries ?? 0;
  }
  return retries;
}

async function server(latencyMs: number): Promise<{ url: string; slots: number; own?: TgiTestServer }> {
  const external = process.env.BLOOM_ENDPOINT_URL;
  if (external) {
    const info = (await (await fetch(`${external}/info`)).json()) as { max_concurrent_requests: number };
    return { url: external, slots: info.max_concurrent_requests };
  }
  const slots = env("SLOTS", 8);
  const own = await startTgiTestServer({
    latencyMs,
    maxConcurrentRequests: slots,
    respond: lexiconModel(LEXICON),
  });
  return { url: own.url, slots, own };
}

const generations = (own?: TgiTestServer) => own?.received.filter((r) => r.path === "/").length;
const mib = (value: number) => `${value.toFixed(0)} MiB`;

async function main() {
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
  const work = await mkdtemp(join(tmpdir(), "bench-batch-"));
  try {
    // 1. Throughput.
    const target = await server(LATENCY);
    const cliEnv = { BLOOM_ENDPOINT_URL: target.url, MODEL_CONCURRENCY: String(target.slots) };
    const folder = join(work, "letters");
    await mkdir(folder);
    for (let n = 0; n < DOCUMENTS; n++)
      await writeFile(join(folder, `${String(n).padStart(5, "0")}.txt`), letter(n));
    const dataDir = join(work, "data");
    const out = join(work, "results.jsonl");
    const first = await batch([folder, "--out", out], dataDir, cliEnv);
    if (first.code !== 0) throw new Error(`batch failed (${first.code}):\n${first.stderr}`);
    const figures = storeFigures(dataDir);
    const window = (figures.last - figures.first) / 1000;
    const calls = generations(target.own) ?? figures.calls;
    const ideal = target.slots / (LATENCY / 1000);
    console.log(`\n1. ${DOCUMENTS} documents, server: ${LATENCY} ms a call, ${target.slots} at once`);
    console.log(
      "| documents | model calls | processing s | whole command s | documents/s | calls/s | share of ideal | retries (429s) | most calls held by the server | peak memory |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    console.log(
      `| ${figures.done} | ${calls} | ${window.toFixed(1)} | ${first.seconds.toFixed(1)} | ${(figures.done / window).toFixed(1)} | ${(calls / window).toFixed(1)} | ${((calls / window / ideal) * 100).toFixed(1)}% of ${ideal.toFixed(0)}/s | ${await retriesIn(out)} | ${target.own?.maxInFlight ?? "n/a"} | ${mib(first.peakMiB)} |`,
    );

    // 2. Re-run cost.
    const before = generations(target.own);
    const again = await batch([folder, "--out", out], dataDir, cliEnv);
    const sameCommand = /this run: (\d+) model calls/.exec(again.stderr)?.[1];
    const zip = join(work, "letters.zip");
    await writeZip(
      zip,
      Array.from({ length: DOCUMENTS }, (_, n) => ({
        name: `${String(n).padStart(5, "0")}.txt`,
        data: letter(n),
      })),
    );
    const asZip = await batch([zip, "--out", join(work, "zip.jsonl")], dataDir, cliEnv);
    const newJob = /this run: (\d+) model calls/.exec(asZip.stderr)?.[1];
    console.log("\n2. Unchanged re-runs");
    console.log("| run | model calls | seconds |");
    console.log("|---|---|---|");
    console.log(`| the same command again (resumed job) | ${sameCommand} | ${again.seconds.toFixed(1)} |`);
    console.log(
      `| the same documents as a ZIP (a new job: results reused) | ${newJob} | ${asZip.seconds.toFixed(1)} |`,
    );
    if (target.own)
      console.log(
        `(the server received ${(generations(target.own) ?? 0) - (before ?? 0)} generation requests for both)`,
      );
    await target.own?.close();

    // 3. Memory over a large archive.
    const memoryTarget = await server(ARCHIVE_LATENCY);
    const big = join(work, "big.zip");
    await writeZip(
      big,
      (function* () {
        for (let n = 0; n < ARCHIVE_DOCUMENTS; n++)
          yield { name: `${String(n).padStart(6, "0")}.txt`, data: letter(n) };
      })(),
    );
    const bigData = join(work, "big-data");
    const large = await batch([big, "--out", join(work, "big.jsonl")], bigData, {
      BLOOM_ENDPOINT_URL: memoryTarget.url,
      MODEL_CONCURRENCY: String(memoryTarget.slots),
    });
    if (large.code !== 0) throw new Error(`batch failed (${large.code}):\n${large.stderr}`);
    const at = (share: number) => {
      const wanted = share * ARCHIVE_DOCUMENTS;
      return large.samples.find((sample) => sample.done >= wanted)?.rssMiB ?? Number.NaN;
    };
    console.log(`\n3. A ${ARCHIVE_DOCUMENTS}-document ZIP (server: ${ARCHIVE_LATENCY} ms a call)`);
    console.log("| documents done | 10% | 25% | 50% | 75% | 100% | peak (VmHWM) | seconds |");
    console.log("|---|---|---|---|---|---|---|---|");
    console.log(
      `| resident memory | ${[0.1, 0.25, 0.5, 0.75, 1].map((share) => mib(at(share))).join(" | ")} | ${mib(large.peakMiB)} | ${large.seconds.toFixed(0)} |`,
    );
    await memoryTarget.own?.close();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
