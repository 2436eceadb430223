/**
 * Builds the real endpoint (createEndpoint with a configuration read like production's) against a test
 * server, with a sleep that records the backoff delays instead of waiting them out.
 */
import { type Config, loadConfig } from "../../src/config.js";
import { createEndpoint, type EndpointDeps } from "../../src/endpoint/create-endpoint.js";
import type { LlmEndpoint } from "../../src/endpoint/port.js";

export interface TestClient {
  endpoint: LlmEndpoint;
  config: Config;
  /** Every backoff delay the retry policy asked for, in milliseconds. */
  sleeps: number[];
}

export function connect(url: string, env: Record<string, string> = {}, deps: EndpointDeps = {}): TestClient {
  const config = loadConfig({ BLOOM_ENDPOINT_URL: url, BLOOM_SERVER: "tgi", MODEL_RETRIES: "3", ...env });
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  return { endpoint: createEndpoint(config, { sleep, ...deps }), config, sleeps };
}

/** A schema shaped like an extraction profile's: an object at the top, as TGI's grammar requires. */
export const ENTITY_SCHEMA = {
  type: "object",
  properties: {
    entities: {
      type: "array",
      items: {
        type: "object",
        properties: { type: { type: "string" }, text: { type: "string" } },
        required: ["type", "text"],
      },
    },
  },
  required: ["entities"],
} as const;
