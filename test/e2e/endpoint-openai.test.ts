/**
 * The OpenAI-compatible adapter over real HTTP: against a vLLM-like server (openaiOnly) and against
 * TGI's own /v1 routes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CHARS_PER_TOKEN } from "../../src/endpoint/openai.js";
import { connect, ENTITY_SCHEMA } from "../support/tgi-client.js";
import { startTgiTestServer, type TgiTestServer, type TgiTestServerOptions } from "../support/tgi-server.js";

const ANSWER = '{"entities": [{"type": "place", "text": "Faverolles"}]}';
const PROMPT = "Texte : Jean Valjean naquit à Faverolles en 1769.\nEntités :";

let server: TgiTestServer;
afterEach(() => server.close());

async function start(options: TgiTestServerOptions = {}) {
  server = await startTgiTestServer({ openaiOnly: true, respond: () => ANSWER, ...options });
  return server;
}

const completions = () => server.received.filter((request) => request.path === "/v1/completions");

describe("OpenAI-compatible adapter", () => {
  it("sends a greedy completion with the schema as vLLM's guided_json and llama.cpp's json_schema", async () => {
    await start();
    const { endpoint } = connect(server.url, { BLOOM_SERVER: "openai" });

    const result = await endpoint.generate({
      prompt: PROMPT,
      maxNewTokens: 300,
      schema: ENTITY_SCHEMA,
      stop: ["\n\n"],
    });

    expect(completions()[0]?.body).toEqual({
      model: "bigscience/bloomz-560m",
      prompt: PROMPT,
      max_tokens: 300,
      temperature: 0,
      stop: ["\n\n"],
      guided_json: ENTITY_SCHEMA,
      json_schema: ENTITY_SCHEMA,
    });
    // Whether the server honoured either field cannot be observed, so it is not claimed.
    expect(result).toMatchObject({
      text: ANSWER,
      finishReason: "eos_token",
      grammarApplied: false,
      attempts: 1,
    });
    expect(result.promptTokens).toBeGreaterThan(0);
  });

  it("asks for the model the server serves when BLOOM_MODEL is not among them", async () => {
    await start({ modelId: "bigscience/bloomz-7b1" });
    const { endpoint } = connect(server.url, {
      BLOOM_SERVER: "openai",
      BLOOM_MODEL: "bigscience/bloomz-560m",
    });

    await endpoint.generate({ prompt: PROMPT, maxNewTokens: 300 });

    expect(completions()[0]?.body).toMatchObject({ model: "bigscience/bloomz-7b1" });
  });

  it("takes the context length from max_model_len and estimates token counts", async () => {
    await start({ maxTotalTokens: 4096 });
    const { endpoint } = connect(server.url, { BLOOM_SERVER: "openai", MODEL_CONCURRENCY: "6" });

    expect(await endpoint.info()).toEqual({
      kind: "openai",
      modelId: "bigscience/bloomz-560m",
      maxInputTokens: 4095,
      maxTotalTokens: 4096,
      maxConcurrentRequests: 6,
      exactTokenCounts: false,
    });
    expect(await endpoint.countTokens("abcdefg")).toBe(Math.ceil(7 / CHARS_PER_TOKEN));
  });

  it("reports length and stop-string finishes", async () => {
    await start({ respond: () => `${ANSWER}\n\nTexte : la suite` });
    const { endpoint } = connect(server.url, { BLOOM_SERVER: "openai" });

    const cut = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 3 });
    const stopped = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 300, stop: ["\n\n"] });

    expect(cut).toMatchObject({ finishReason: "length", generatedTokens: 3 });
    expect(stopped).toMatchObject({ finishReason: "stop_sequence", text: ANSWER });
  });

  it("maps vLLM's context-length refusal to INPUT_TOO_LONG without retrying", async () => {
    await start({ maxTotalTokens: 50 });
    const { endpoint } = connect(server.url, { BLOOM_SERVER: "openai" });

    await expect(endpoint.generate({ prompt: PROMPT, maxNewTokens: 40 })).rejects.toMatchObject({
      code: "INPUT_TOO_LONG",
      details: { maxTotalTokens: 50, upstreamStatus: 400 },
    });
    expect(completions()).toHaveLength(1);
  });

  it("maps another 400 to ENDPOINT_REJECTED without retrying", async () => {
    await start();
    const { endpoint, sleeps } = connect(server.url, { BLOOM_SERVER: "openai" });

    await expect(endpoint.generate({ prompt: PROMPT, maxNewTokens: 0 })).rejects.toMatchObject({
      code: "ENDPOINT_REJECTED",
      details: { upstreamStatus: 400, upstreamMessage: "max_tokens must be at least 1" },
    });
    expect(completions()).toHaveLength(1);
    expect(sleeps).toHaveLength(0);
  });

  it("works against TGI's own /v1 routes, which announce no context length", async () => {
    server = await startTgiTestServer({ respond: () => ANSWER });
    const { endpoint } = connect(server.url, { BLOOM_SERVER: "openai" });

    const info = await endpoint.info();
    const result = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 300, schema: ENTITY_SCHEMA });

    expect(info).toMatchObject({ kind: "openai", maxTotalTokens: 2048 });
    expect(result).toMatchObject({ text: ANSWER, finishReason: "eos_token", grammarApplied: false });
  });
});
