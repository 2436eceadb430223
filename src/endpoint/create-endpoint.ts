/**
 * Builds the LlmEndpoint the pipeline uses from the configuration. Every place BLOOM can run is one entry
 * of SERVERS: BLOOM_SERVER names the entry; `auto` takes the embedded one without BLOOM_ENDPOINT_URL, and
 * with one detects the server among the entries that name a route, in their order. A new kind of server is
 * its adapter's file plus one entry here. Each URL of BLOOM_ENDPOINT_URL gets its own adapter; all of
 * them sit in one server pool (server-pool.ts), whose slots keep the calls in flight within the budget.
 */
import { type BaseLogger, pino } from "pino";
import type { Config } from "../config.js";
import type { AdapterDeps } from "./deps.js";
import { detectServer } from "./detect.js";
import { createEmbeddedEndpoint } from "./embedded/create-embedded.js";
import { LlamaCppEndpoint } from "./llamacpp.js";
import { OpenAiEndpoint } from "./openai.js";
import type { LlmEndpoint, ServerKind } from "./port.js";
import { createProber } from "./probe.js";
import { abortableSleep, createRetrier, type Sleep } from "./retry.js";
import { serverPool } from "./server-pool.js";
import { LocalSlots, type ModelSlots } from "./slots.js";
import { TgiEndpoint } from "./tgi.js";
import { routeLibraryLogs, Transport } from "./transport.js";
import { runsEmbedded } from "./where.js";

export interface EndpointDeps {
  logger?: Pick<BaseLogger, "debug" | "info" | "warn">;
  fetch?: typeof fetch;
  /** Waits between retries; tests pass one that returns at once. */
  sleep?: Sleep;
  /** The budget of calls in flight: the store's, shared by every process, or this process's own. */
  slots?: ModelSlots;
  /** Wraps each server's adapter, under the slots (the metrics of its model calls). */
  observe?: (endpoint: LlmEndpoint) => LlmEndpoint;
}

/** What an entry builds its adapter from. */
interface AdapterContext {
  config: Config;
  logger: Pick<BaseLogger, "debug" | "info" | "warn">;
  /** Transport, retry policy and readiness probe for this URL of BLOOM_ENDPOINT_URL (built on first use). */
  server(): AdapterDeps;
}

interface ServerEntry {
  /** The route that tells this protocol apart, for BLOOM_SERVER=auto; without it, never detected. */
  detectedBy?: string;
  create(context: AdapterContext): LlmEndpoint;
}

/** The model OpenAI-compatible servers are asked for when BLOOM_MODEL is unset. */
const DEFAULT_SERVED_MODEL = "bigscience/bloomz-560m";

/**
 * Detection order is the order of the entries: TGI's native route first (it keeps the grammar), then
 * llama.cpp's /props before /v1/models, which llama.cpp answers too.
 */
const SERVERS: Record<ServerKind, ServerEntry> = {
  // BLOOM in this process (llama.cpp through node-llama-cpp); never detected: it is what runs without a URL.
  embedded: { create: (context) => createEmbeddedEndpoint(context.config, context.logger) },
  tgi: { detectedBy: "TGI's GET /info", create: (context) => new TgiEndpoint(context.server()) },
  llamacpp: {
    detectedBy: "llama.cpp's GET /props",
    create: (context) => new LlamaCppEndpoint(context.server()),
  },
  openai: {
    detectedBy: "an OpenAI-compatible GET /v1/models",
    create: (context) =>
      new OpenAiEndpoint({
        ...context.server(),
        model: context.config.model ?? DEFAULT_SERVED_MODEL,
        concurrency: context.config.modelConcurrency,
      }),
  },
};

function adapterContext(
  config: Config,
  deps: EndpointDeps,
  logger: AdapterContext["logger"],
  url: string | undefined,
): AdapterContext {
  let server: AdapterDeps | undefined;
  return {
    config,
    logger,
    server() {
      if (server) return server;
      // loadConfig refuses a server kind without BLOOM_ENDPOINT_URL, and auto without one runs embedded.
      if (url === undefined) throw new Error(`BLOOM_SERVER=${config.serverKind} without BLOOM_ENDPOINT_URL`);
      routeLibraryLogs(logger);
      // HF_TOKEN goes to the transport only: it is sent as a header and never logged.
      const transport = new Transport({ baseUrl: url, token: config.hfToken, fetch: deps.fetch });
      const retryOptions = {
        retries: config.modelRetries,
        baseMs: config.retryBaseMs,
        maxMs: config.retryMaxMs,
        timeoutMs: config.requestTimeoutMs,
        where: url,
        sleep: deps.sleep ?? abortableSleep,
        logger,
      };
      server = {
        transport,
        retry: createRetrier(retryOptions),
        probe: createProber(transport, retryOptions),
        logger,
      };
      return server;
    },
  };
}

function chooseEndpoint(context: AdapterContext): LlmEndpoint {
  const { config } = context;
  if (config.serverKind !== "auto") return SERVERS[config.serverKind].create(context);
  const candidates = Object.values(SERVERS).flatMap((entry) =>
    entry.detectedBy === undefined ? [] : [{ endpoint: entry.create(context), route: entry.detectedBy }],
  );
  return detectServer(candidates, context.server().transport.baseUrl, context.logger);
}

export function createEndpoint(config: Config, deps: EndpointDeps = {}): LlmEndpoint {
  const logger = deps.logger ?? pino({ level: "silent" });
  const slots = deps.slots ?? new LocalSlots();
  const observe = deps.observe ?? ((endpoint: LlmEndpoint) => endpoint);
  const members = runsEmbedded(config)
    ? [
        {
          id: "embedded",
          endpoint: observe(SERVERS.embedded.create(adapterContext(config, deps, logger, undefined))),
        },
      ]
    : (config.endpointUrls ?? []).map((url) => ({
        id: url,
        endpoint: observe(chooseEndpoint(adapterContext(config, deps, logger, url))),
      }));
  return serverPool(members, slots, config.modelConcurrency);
}
