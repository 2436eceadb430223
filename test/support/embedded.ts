/**
 * The product with BLOOM embedded, on a tiny random-weight BLOOM GGUF written for the test: real
 * configuration, llama.cpp, grammar, app. Random weights prove the plumbing, not the answers.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { createServices, type Services } from "../../src/services.js";
import { type TinyBloomFile, type TinyBloomOptions, writeTinyBloomGguf } from "./tiny-bloom-gguf.js";

export interface TinyModel extends TinyBloomFile {
  dir: string;
  remove(): Promise<void>;
}

export async function tinyModel(options: TinyBloomOptions = {}): Promise<TinyModel> {
  const dir = await mkdtemp(join(tmpdir(), "palimpsest-gguf-"));
  const file = await writeTinyBloomGguf(join(dir, "tiny-bloom.gguf"), options);
  return { ...file, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface EmbeddedApp {
  services: Services;
  app: FastifyInstance;
  dataDir: string;
  close(): Promise<void>;
}

/** The app with no BLOOM_ENDPOINT_URL: BLOOM_MODEL is the model file (or reference) given. */
export async function startEmbeddedApp(
  model: string,
  env: Record<string, string> = {},
): Promise<EmbeddedApp> {
  const dataDir = await mkdtemp(join(tmpdir(), "palimpsest-embedded-"));
  const config = loadConfig({
    BLOOM_MODEL: model,
    EMBEDDED_THREADS: "1",
    LOG_LEVEL: "silent",
    DATA_DIR: dataDir,
    // Tests run beside each other on few cores: one llama.cpp thread each keeps decoding from collapsing.
    // Random weights rarely close the JSON before the budget: keep each call short.
    MAX_NEW_TOKENS: "64",
    MODEL_REASKS: "0",
    ...env,
  });
  const services = await createServices(config, createLogger("silent"));
  const app = await buildApp(services);
  return {
    services,
    app,
    dataDir,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
