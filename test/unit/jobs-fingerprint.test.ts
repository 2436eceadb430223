/** A stored result is reused only when nothing that decides it changed: profile, model, prompt, settings. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { EndpointInfo } from "../../src/endpoint/port.js";
import { resultFingerprint } from "../../src/jobs/fingerprint.js";
import { loadProfiles } from "../../src/profiles/registry.js";

const profiles = await loadProfiles();
const INFO: EndpointInfo = {
  kind: "tgi",
  modelId: "bigscience/bloomz-560m",
  maxInputTokens: 1024,
  maxTotalTokens: 2048,
  maxConcurrentRequests: 8,
  exactTokenCounts: true,
};
const base = { config: loadConfig({}), info: INFO, profile: profiles.get("default"), options: {} };
const fingerprint = (changes: Partial<typeof base> = {}) => resultFingerprint({ ...base, ...changes });

describe("result fingerprint", () => {
  it("is stable for the same inputs", () => {
    expect(fingerprint()).toBe(fingerprint());
    expect(fingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ["another profile", { profile: profiles.get("baptism-record") }],
    ["a new version of the profile", { profile: { ...profiles.get("default"), version: "9.9.9" } }],
    ["other examples in the prompt", { profile: { ...profiles.get("default"), examples: [] } }],
    ["another model", { info: { ...INFO, modelId: "bigscience/bloomz-7b1" } }],
    ["another context window", { info: { ...INFO, maxTotalTokens: 4096 } }],
    ["a given language", { options: { language: "fr" } }],
    ["other OCR models", { options: { ocrModels: ["frk"] } }],
    ["another output budget", { config: loadConfig({ MAX_NEW_TOKENS: "256" }) }],
    ["another chunk overlap", { config: loadConfig({ CHUNK_OVERLAP: "0.2" }) }],
    ["another cap on the model's strings", { config: loadConfig({ OUTPUT_MAX_STRING_LENGTH: "100" }) }],
  ])("changes with %s", (_label, changes) => {
    expect(fingerprint(changes)).not.toBe(fingerprint());
  });

  it.each([
    ["the model server's address", { BLOOM_ENDPOINT_URL: "http://gpu:8080" }],
    ["the concurrency", { MODEL_CONCURRENCY: "16", JOB_CONCURRENCY: "40" }],
    ["timeouts and retries", { MODEL_TIMEOUT_MS: "5000", MODEL_RETRIES: "1", JOB_ATTEMPTS: "9" }],
    ["the token", { HF_TOKEN: "hf_secret" }],
    ["where data is kept", { DATA_DIR: "/elsewhere", STORE_PATH: ":memory:" }],
    ["the schema limits", { SCHEMA_MAX_BYTES: "2048", SCHEMA_MAX_DEPTH: "16", SCHEMA_MAX_NODES: "500" }],
    ["hosts and origins", { ALLOWED_HOSTS: "archive.lan", CORS_ORIGINS: "https://catalogue.example.org" }],
    [
      "authentication, rate limits and quotas",
      {
        AUTH: "on",
        SESSION_TTL_MS: "60000",
        RATE_LIMIT_PER_MINUTE: "5",
        QUOTA_CONCURRENT_JOBS: "1",
        QUOTA_STORED_BYTES: "1000",
        QUOTA_OCR_PAGES_PER_DAY: "2",
      },
    ],
  ])("does not change with %s", (_label, env) => {
    expect(fingerprint({ config: loadConfig(env) })).toBe(fingerprint());
  });
});
