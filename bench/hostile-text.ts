/**
 * Huge and hostile texts against the running service: one line without spaces (5 MB and 45 MB, the
 * shape that used to hold the event loop for over a minute), ordinary prose of the same sizes, and an
 * ordinary document of 200 KB that is extracted in full. Each is sent to POST /v1/extract as the raw
 * body (larger than EXTRACT_SYNC_MAX_BYTES: a job, followed until it ends) while /health is asked every
 * 50 ms. Prints, per text, how it ended and after how long, /health latency (median, p99, worst) and the
 * service's peak memory; then the event-loop figures the service itself reports on /health.
 *
 * Then, in this process, what normalising and chunking cost when MAX_CHUNKS lets a text through (no
 * limit): seconds for each text, and the longest the event loop was held meanwhile.
 *
 * The service is `palimpsest serve` from the sources (tsx) in a child process, with its own DATA_DIR
 * and the TGI test server of test/support in this process (its window: 1024 input tokens).
 *
 *   npx tsx bench/hostile-text.ts
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { chunkText } from "../src/pipeline/chunk/chunk.js";
import { normalization } from "../src/pipeline/normalize/index.js";
import { Turns } from "../src/pipeline/turns.js";
import { CLI } from "../test/support/cli.js";
import { freePort } from "../test/support/free-port.js";
import { lexiconModel } from "../test/support/harness.js";
import { startTgiTestServer } from "../test/support/tgi-server.js";
import { tokenize } from "../test/support/tgi-tokenizer.js";
import { memoryOf, percentile, startService, watchHealth } from "./support/service.js";

const MB = 1_000_000;
const PROSE = readFileSync("test/fixtures/ingest/hipe/hipe2020-dev-fr.txt", "utf8");

/** Letters without a space or a sentence end: a "word" of the whole size, on one line. */
function oneLine(size: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz";
  const block = Array.from({ length: 4096 }, (_, i) => alphabet[(i * 7919) % 26]).join("");
  return block.repeat(Math.ceil(size / block.length)).slice(0, size);
}

/** French newspaper text (HIPE-2020), repeated up to the size. */
function prose(size: number): string {
  return PROSE.repeat(Math.ceil(size / PROSE.length)).slice(0, size);
}

const TEXTS: { name: string; text: () => string }[] = [
  { name: "ordinary, 200 KB", text: () => prose(200_000) },
  { name: "ordinary, 5 MB", text: () => prose(5 * MB) },
  { name: "one line, 1.5 MB", text: () => oneLine(1.5 * MB) },
  { name: "one line, 5 MB", text: () => oneLine(5 * MB) },
  { name: "one line, 45 MB", text: () => oneLine(45 * MB) },
];

/** Sends the text and follows it to its end: how it ended. */
async function extract(base: string, text: string): Promise<string> {
  const response = await fetch(`${base}/v1/extract`, {
    method: "POST",
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: text,
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status === 200) return `extracted: ${(body.stats as { chunks: number }).chunks} chunks`;
  if (response.status !== 202) return `${response.status} ${JSON.stringify(body).slice(0, 80)}`;
  for (;;) {
    await sleep(50);
    const job = (await (await fetch(`${base}/v1/jobs/${body.id}`)).json()) as { state: string };
    if (job.state === "running" || job.state === "unpacking") continue;
    const documents = (await (await fetch(`${base}/v1/jobs/${body.id}/documents`)).json()) as {
      documents: { error?: { code: string; message: string } }[];
    };
    const error = documents.documents[0]?.error;
    if (!error) return `job ${job.state}`;
    if (error.code !== "PAYLOAD_TOO_LARGE") return error.code;
    return `${error.code}, ${error.message.includes("judged from its size") ? "from its size" : "after chunking"}`;
  }
}

async function throughService(): Promise<void> {
  const model = await startTgiTestServer({ respond: lexiconModel([{ type: "place", text: "Paris" }]) });
  const dataDir = await mkdtemp(join(tmpdir(), "bench-hostile-text-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const service: ChildProcess = await startService(CLI, port, dataDir, model.url);
  try {
    console.log("| text | outcome | seconds | `/health` median | p99 | worst | peak memory |");
    console.log("|---|---|---|---|---|---|---|");
    for (const { name, text } of TEXTS) {
      const body = text();
      const health = watchHealth(port, 50);
      const started = performance.now();
      const outcome = await extract(base, body);
      const seconds = (performance.now() - started) / 1000;
      const latencies = await health.stop();
      const ms = (value: number) => `${value.toFixed(0)} ms`;
      console.log(
        `| ${name} | ${outcome} | ${seconds.toFixed(2)} | ${ms(percentile(latencies, 0.5))} | ${ms(percentile(latencies, 0.99))} | ${ms(Math.max(...latencies))} | ${(memoryOf(service.pid as number)?.hwmMiB ?? Number.NaN).toFixed(0)} MiB |`,
      );
    }
    const health = (await (await fetch(`${base}/health`)).json()) as { eventLoop: unknown };
    console.log(`\nGET /health afterwards: ${JSON.stringify(health.eventLoop)}`);
  } finally {
    service.kill();
    await model.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Normalising and chunking with no MAX_CHUNKS, taking turns as the pipeline does. */
async function stagesAlone(): Promise<void> {
  console.log("\n| text | normalise | chunk | chunks | event loop held at most |");
  console.log("|---|---|---|---|---|");
  const counter = { countTokens: async (text: string) => tokenize(text).length };
  for (const { name, text } of TEXTS) {
    const source = text();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const turns = new Turns();
    const started = performance.now();
    const normalized = await turns.finish(normalization(source));
    const normalizedAt = performance.now();
    const chunks = await chunkText(normalized.text, {
      budgetTokens: 900,
      overlap: 0.1,
      maxChunks: Number.MAX_SAFE_INTEGER,
      language: "fr",
      counter,
      turns,
    });
    const done = performance.now();
    delay.disable();
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      `| ${name} | ${s(normalizedAt - started)} | ${s(done - normalizedAt)} | ${chunks.length} | ${(delay.max / 1e6).toFixed(0)} ms |`,
    );
  }
}

await throughService();
await stagesAlone();
