/**
 * The whole product against the TGI test server: real configuration, endpoint, profiles and app,
 * with backoff sleeps recorded instead of waited out.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { DestinationStream } from "pino";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { documentOfPrompt } from "../../src/pipeline/extract/prompt.js";
import { createServices, type Services } from "../../src/services.js";
import { startTgiTestServer, type TgiTestServer, type TgiTestServerOptions } from "./tgi-server.js";

export interface Harness {
  server: TgiTestServer;
  services: Services;
  app: FastifyInstance;
  sleeps: number[];
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    server?: TgiTestServerOptions;
    env?: Record<string, string>;
    /** Where the service logs (at info): a test that waits for what it reports. */
    log?: DestinationStream;
  } = {},
): Promise<Harness> {
  const server = await startTgiTestServer(options.server);
  // Each harness its own store: results and cached model answers never leak between tests.
  const dataDir = await mkdtemp(join(tmpdir(), "palimpsest-harness-"));
  const config = loadConfig({
    BLOOM_ENDPOINT_URL: server.url,
    LOG_LEVEL: "silent",
    MODEL_RETRIES: "3",
    DATA_DIR: dataDir,
    ...options.env,
  });
  const sleeps: number[] = [];
  const logger = options.log ? createLogger("info", options.log) : createLogger("silent");
  const services = await createServices(config, logger, {
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
  });
  const app = await buildApp(services);
  return {
    server,
    services,
    app,
    sleeps,
    async close() {
      await app.close();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A mention the stand-in model knows, with any attributes it answers along with it. */
export interface LexiconEntry {
  type: string;
  text: string;
  [attribute: string]: unknown;
}

/**
 * A stand-in model that knows a lexicon: for each prompt, it lists every occurrence of every entry
 * found in the document part of the prompt, in reading order, plus `invented` mentions that are in
 * no document.
 */
export function lexiconModel(lexicon: LexiconEntry[], invented: LexiconEntry[] = []) {
  return (prompt: string): string => {
    const document = documentOfPrompt(prompt) ?? "";
    const found: { at: number; entry: LexiconEntry }[] = [];
    for (const entry of lexicon) {
      for (let at = document.indexOf(entry.text); at !== -1; at = document.indexOf(entry.text, at + 1)) {
        found.push({ at, entry });
      }
    }
    found.sort((a, b) => a.at - b.at);
    return JSON.stringify({ entities: [...found.map((f) => f.entry), ...invented] });
  };
}

/** Code-point slice, the way API offsets are meant to be read. */
export function codePointSlice(text: string, start: number, end: number): string {
  return Array.from(text).slice(start, end).join("");
}

/** POSTs an archive as a batch (the raw body), expects 202 and waits for the batch to settle; answers its view. */
export async function settledBatch(harness: Harness, archive: Buffer, query = "") {
  const response = await harness.app.inject({
    method: "POST",
    url: `/v1/batches${query}`,
    headers: { "content-type": "application/zip" },
    payload: archive,
  });
  if (response.statusCode !== 202)
    throw new Error(`POST /v1/batches answered ${response.statusCode}: ${response.body}`);
  const job = response.json() as { id: string; [field: string]: unknown };
  await harness.services.jobs.whenSettled(job.id);
  return job;
}
