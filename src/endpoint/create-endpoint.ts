/**
 * Builds the LlmEndpoint the pipeline uses from the configuration: transport, retry policy, readiness
 * probe, adapter (chosen by BLOOM_SERVER, or detected) and concurrency limit.
 */
import { type BaseLogger, pino } from "pino";
import type { Config } from "../config.js";
import { detectServer } from "./detect.js";
import { withConcurrencyLimit } from "./limiter.js";
import { OpenAiEndpoint } from "./openai.js";
import type { LlmEndpoint } from "./port.js";
import { createProber } from "./probe.js";
import { abortableSleep, createRetrier, type Sleep } from "./retry.js";
import { TgiEndpoint } from "./tgi.js";
import { routeLibraryLogs, Transport } from "./transport.js";

export interface EndpointDeps {
  logger?: Pick<BaseLogger, "debug" | "info" | "warn">;
  fetch?: typeof fetch;
  /** Waits between retries; tests pass one that returns at once. */
  sleep?: Sleep;
}

export function createEndpoint(config: Config, deps: EndpointDeps = {}): LlmEndpoint {
  const logger = deps.logger ?? pino({ level: "silent" });
  routeLibraryLogs(logger);
  // HF_TOKEN goes to the transport only: it is sent as a header and never logged.
  const transport = new Transport({ baseUrl: config.endpointUrl, token: config.hfToken, fetch: deps.fetch });
  const retryOptions = {
    retries: config.modelRetries,
    baseMs: config.retryBaseMs,
    maxMs: config.retryMaxMs,
    timeoutMs: config.requestTimeoutMs,
    where: config.endpointUrl,
    sleep: deps.sleep ?? abortableSleep,
    logger,
  };
  const retry = createRetrier(retryOptions);
  const probe = createProber(transport, retryOptions);
  const adapterDeps = { transport, retry, probe, logger };
  const tgi = () => new TgiEndpoint(adapterDeps);
  const openai = () =>
    new OpenAiEndpoint({ ...adapterDeps, model: config.model, concurrency: config.modelConcurrency });
  const endpoint =
    config.serverKind === "tgi"
      ? tgi()
      : config.serverKind === "openai"
        ? openai()
        : detectServer(tgi(), openai(), config.endpointUrl, logger);
  return withConcurrencyLimit(endpoint, config.modelConcurrency);
}
