/**
 * The llama.cpp adapter over real HTTP against the llama-server test server: limits, token counts,
 * generation with json_schema, refusals, readiness while the model loads, detection, and a whole extraction.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import {
  type LlamaCppTestServer,
  type LlamaCppTestServerOptions,
  startLlamaCppTestServer,
} from "../support/llamacpp-server.js";
import { connect, ENTITY_SCHEMA } from "../support/tgi-client.js";
import { startTgiTestServer } from "../support/tgi-server.js";
import { tokenize } from "../support/tgi-tokenizer.js";

const ANSWER = '{"entities": [{"type": "place", "text": "Faverolles"}]}';
const PROMPT = "Texte : Jean Valjean naquit à Faverolles en 1769.\nEntités :";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(options: LlamaCppTestServerOptions = {}): Promise<LlamaCppTestServer> {
  const server = await startLlamaCppTestServer({ respond: () => ANSWER, ...options });
  closers.push(() => server.close());
  return server;
}

const llamacpp = (server: LlamaCppTestServer, env: Record<string, string> = {}) =>
  connect(server.url, { BLOOM_SERVER: "llamacpp", ...env });

const routes = (server: { received: { method: string; path: string }[] }) =>
  server.received.map((request) => `${request.method} ${request.path}`);

const completions = (server: LlamaCppTestServer) =>
  server.received.filter((request) => request.path === "/v1/completions").map((request) => request.body);

describe("llama.cpp adapter", () => {
  it("reads the limits of one slot, the slots and the model's file name from GET /props", async () => {
    const server = await start({
      contextTokens: 2048,
      slots: 4,
      modelPath: "/srv/models/bloomz-560m.Q5_K_M.gguf",
    });

    expect(await llamacpp(server).endpoint.info()).toEqual({
      kind: "llamacpp",
      modelId: "bloomz-560m.Q5_K_M.gguf",
      maxInputTokens: 2047,
      maxTotalTokens: 2048,
      maxConcurrentRequests: 4,
      exactTokenCounts: true,
    });
    expect(routes(server)).toEqual(["GET /props"]);
  });

  it("names the model by the server's --alias when it has one", async () => {
    const server = await start({ alias: "bloomz-560m" });

    expect((await llamacpp(server).endpoint.info()).modelId).toBe("bloomz-560m");
  });

  it.each([
    ["without", false],
    ["with", true],
  ])("counts a prompt at what a completion costs, %s a BOS token", async (_, addBos) => {
    const server = await start({ addBos });
    const { endpoint } = llamacpp(server);

    const counted = await endpoint.countTokens(PROMPT);
    const { promptTokens } = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 50 });

    expect(counted).toBe(promptTokens);
    expect(counted).toBe(tokenize(PROMPT).length + (addBos ? 1 : 0));
    expect(server.received[0]?.body).toEqual({ content: PROMPT, add_special: true });
  });

  it("sends a greedy completion with the schema as json_schema, which constrains the answer", async () => {
    const server = await start();
    const { endpoint } = llamacpp(server);

    const result = await endpoint.generate({
      prompt: PROMPT,
      maxNewTokens: 300,
      schema: ENTITY_SCHEMA,
      stop: ["\n<<<"],
    });

    expect(completions(server)).toEqual([
      { prompt: PROMPT, max_tokens: 300, temperature: 0, stop: ["\n<<<"], json_schema: ENTITY_SCHEMA },
    ]);
    expect(result).toEqual({
      text: ANSWER,
      // With a stop string asked for, llama.cpp's "stop" does not say whether it or the end of sequence ended it.
      finishReason: "unknown",
      grammarApplied: true,
      promptTokens: tokenize(PROMPT).length,
      // The answer's tokens and the end-of-sequence token.
      generatedTokens: tokenize(ANSWER).length + 1,
      attempts: 1,
    });
  });

  it("tells an answer cut at max_tokens, or at the slot's context, from one the model ended", async () => {
    // Room for 5 tokens after the long prompt, for the whole answer after the short one.
    const long = `${PROMPT} ${PROMPT} ${PROMPT}`;
    const server = await start({ contextTokens: tokenize(long).length + 5 });
    const { endpoint } = llamacpp(server);

    const ended = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 300 });
    const cut = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 3 });
    const full = await endpoint.generate({ prompt: long, maxNewTokens: 300 });

    expect(ended).toMatchObject({ text: ANSWER, finishReason: "eos_token" });
    expect(cut).toMatchObject({ finishReason: "length", generatedTokens: 3 });
    expect(full).toMatchObject({ finishReason: "length", generatedTokens: 5 });
  });

  it("generates without json_schema once llama.cpp could not convert it, and remembers that schema", async () => {
    const server = await start();
    const { endpoint } = llamacpp(server);
    const unanchored = {
      type: "object",
      properties: { entities: { type: "array", items: { type: "string", pattern: "[A-Z]" } } },
    };

    const first = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 300, schema: unanchored });
    const second = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 300, schema: unanchored });
    const other = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 300, schema: ENTITY_SCHEMA });

    expect(first).toMatchObject({ text: ANSWER, grammarApplied: false, attempts: 2 });
    expect(second).toMatchObject({ grammarApplied: false, attempts: 1 });
    expect(other).toMatchObject({ grammarApplied: true });
    expect(completions(server).map((body) => (body as { json_schema?: unknown }).json_schema)).toEqual([
      unanchored,
      undefined,
      undefined,
      ENTITY_SCHEMA,
    ]);
  });

  it("maps exceed_context_size_error to INPUT_TOO_LONG with the limits, without retrying", async () => {
    const contextTokens = tokenize(PROMPT).length - 2;
    const server = await start({ contextTokens });
    const { endpoint, sleeps } = llamacpp(server);

    await expect(endpoint.generate({ prompt: PROMPT, maxNewTokens: 10 })).rejects.toMatchObject({
      code: "INPUT_TOO_LONG",
      details: {
        upstreamStatus: 400,
        maxInputTokens: contextTokens - 1,
        maxTotalTokens: contextTokens,
        given: tokenize(PROMPT).length,
      },
    });
    expect(completions(server)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("keeps to the server's slots, so no request waits in llama.cpp's queue", async () => {
    const server = await start({ slots: 2, latencyMs: 20 });
    const { endpoint } = llamacpp(server, { MODEL_CONCURRENCY: "8" });

    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        endpoint.generate({ prompt: `Acte ${index}`, maxNewTokens: 20 }),
      ),
    );

    expect(server.maxInFlight).toBe(2);
    expect(server.maxQueued).toBe(0);
  });
});

describe("detection", () => {
  it.each([
    ["llama.cpp's server", "llamacpp", ["GET /info", "GET /props", "POST /v1/completions"]],
    ["TGI", "tgi", ["GET /info", "POST /"]],
  ])("takes %s for what it is", async (_, kind, expected) => {
    const server = kind === "tgi" ? await startTgiTestServer() : await start();
    closers.push(() => server.close());
    const { endpoint } = connect(server.url, { BLOOM_SERVER: "auto" });

    await endpoint.generate({ prompt: PROMPT, maxNewTokens: 20 });

    expect((await endpoint.info()).kind).toBe(kind);
    expect(routes(server)).toEqual(expected);
  });

  it("waits out a llama.cpp server loading its model instead of taking it for another protocol", async () => {
    const server = await start({ loading: true });
    const { endpoint, sleeps } = connect(server.url, { BLOOM_SERVER: "auto", MODEL_RETRIES: "1" });

    await expect(endpoint.info()).rejects.toMatchObject({
      code: "ENDPOINT_OVERLOADED",
      details: { upstreamStatus: 503, upstreamMessage: "Loading model" },
    });
    expect(sleeps).toHaveLength(1);

    server.finishLoading();
    expect((await endpoint.info()).kind).toBe("llamacpp");
  });
});

describe("through the product", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  /** The whole product with its model server at `server` (the harness's own TGI server stays unused). */
  async function product(server: LlamaCppTestServer, env: Record<string, string> = {}) {
    harness = await startHarness({ env: { BLOOM_ENDPOINT_URL: server.url, ...env } });
    return harness;
  }

  async function ready(h: Harness) {
    const response = await h.app.inject({ method: "GET", url: "/ready" });
    return { status: response.statusCode, body: response.json() as Record<string, { message?: string }> };
  }

  it.each(["llamacpp", "auto"])(
    "answers /ready 503 while llama.cpp loads its model, then 200 (BLOOM_SERVER=%s)",
    async (kind) => {
      const server = await start({ loading: true, slots: 2 });
      const h = await product(server, { BLOOM_SERVER: kind });

      const loading = await ready(h);
      expect(loading.status).toBe(503);
      expect(loading.body.error?.message).toContain(
        `is not ready: GET /health on ${server.url} answered HTTP 503 (Loading model)`,
      );
      // A probe is one attempt.
      expect(h.sleeps).toEqual([]);

      server.finishLoading();
      expect(await ready(h)).toMatchObject({
        status: 200,
        body: { status: "ready", endpoint: { kind: "llamacpp", maxConcurrentRequests: 2 } },
      });
    },
  );

  it("extracts a document, splitting a chunk the server refuses as longer than its context", async () => {
    const lexicon = [
      { type: "place", text: "Marseille" },
      { type: "place", text: "Toulon" },
    ];
    const server = await start({ contextTokens: 4096, respond: lexiconModel(lexicon) });
    const h = await product(server, { BLOOM_SERVER: "llamacpp" });
    // The limits are read once; then the server restarts with a smaller context behind the same URL.
    await h.services.endpoint.info();
    server.setContextTokens(1000);
    const text = Array.from(
      { length: 40 },
      (_, index) => `Le navire numéro ${index} partit de Marseille pour Toulon.`,
    ).join(" ");

    const response = await h.app.inject({ method: "POST", url: "/v1/extract", payload: { text } });

    expect(response.statusCode).toBe(200);
    const body = response.json() as Extraction;
    expect(body.entities).toHaveLength(80);
    expect(body.stats.splits).toBeGreaterThan(0);
    expect(body.model).toEqual({ id: "bloomz-560m.Q5_K_M.gguf", server: "llamacpp", grammar: true });
    const refused = completions(server).filter(
      (request) => tokenize((request as { prompt: string }).prompt).length >= 1000,
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(completions(server).every((request) => (request as { json_schema?: unknown }).json_schema)).toBe(
      true,
    );
  });
});
