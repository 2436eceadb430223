/**
 * What a model call carries for the request it is made for, over real HTTP: its X-Request-Id on every
 * generation (TGI's native route through @huggingface/inference, OpenAI-compatible and llama.cpp
 * servers), its retries logged to the caller's logger, and no library notice logged per call.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { startLlamaCppTestServer } from "../support/llamacpp-server.js";
import { logLines } from "../support/log-lines.js";
import { connect, ENTITY_SCHEMA } from "../support/tgi-client.js";
import { startTgiTestServer } from "../support/tgi-server.js";

const ANSWER = '{"entities": [{"type": "place", "text": "Faverolles"}]}';
const REQUEST = { prompt: "Texte : Jean Valjean naquit à Faverolles.\nEntités :", maxNewTokens: 64 };

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

describe("X-Request-Id on model calls", () => {
  it("is sent with TGI generations, retries included, and not invented for calls without one", async () => {
    const server = await startTgiTestServer({ respond: () => ANSWER });
    closing.push(() => server.close());
    const { endpoint } = connect(server.url);
    server.failNext({ status: 503 });
    await endpoint.generate({ ...REQUEST, schema: ENTITY_SCHEMA, requestId: "scan-17:a.b" });
    await endpoint.generate(REQUEST);
    const generations = server.received.filter((r) => r.path === "/");
    expect(generations.map((r) => r.headers["x-request-id"])).toEqual([
      "scan-17:a.b",
      "scan-17:a.b",
      undefined,
    ]);
  });

  it("is sent with OpenAI-compatible completions", async () => {
    const server = await startTgiTestServer({ openaiOnly: true, respond: () => ANSWER });
    closing.push(() => server.close());
    const { endpoint } = connect(server.url, { BLOOM_SERVER: "openai" });
    await endpoint.generate({ ...REQUEST, requestId: "req-1" });
    const completion = server.received.find((r) => r.path === "/v1/completions");
    expect(completion?.headers["x-request-id"]).toBe("req-1");
  });

  it("is sent with llama.cpp's completions", async () => {
    const server = await startLlamaCppTestServer({ respond: () => ANSWER });
    closing.push(() => server.close());
    const { endpoint } = connect(server.url, { BLOOM_SERVER: "llamacpp" });
    await endpoint.generate({ ...REQUEST, requestId: "req-2" });
    const completion = server.received.find((r) => r.path === "/v1/completions");
    expect(completion?.headers["x-request-id"]).toBe("req-2");
  });
});

describe("logs of model calls", () => {
  it("logs a retry to the call's own logger, with what it is bound to", async () => {
    const server = await startTgiTestServer({ respond: () => ANSWER });
    closing.push(() => server.close());
    const process = logLines();
    const document = logLines();
    const { endpoint } = connect(server.url, {}, { logger: createLogger("debug", process.stream) });
    const log = createLogger("info", document.stream).child({ job: "j-1", requestId: "r-9" });
    server.failNext({ status: 429 });
    await endpoint.generate({ ...REQUEST, log });
    const retry = await document.line("model call failed; retrying");
    expect(retry).toMatchObject({ job: "j-1", requestId: "r-9", code: "ENDPOINT_OVERLOADED", attempt: 1 });
    expect(process.lines.filter((line) => line.msg === "model call failed; retrying")).toEqual([]);
  });

  it("writes no library notice per model call at debug level", async () => {
    const server = await startTgiTestServer({ openaiOnly: true, respond: () => ANSWER });
    closing.push(() => server.close());
    const logs = logLines();
    const { endpoint } = connect(
      server.url,
      { BLOOM_SERVER: "openai" },
      { logger: createLogger("debug", logs.stream) },
    );
    for (let call = 0; call < 3; call++) await endpoint.generate(REQUEST);
    await endpoint.countTokens("Faverolles");
    expect(server.received.filter((r) => r.path === "/v1/completions")).toHaveLength(3);
    expect(logs.lines.filter((line) => line.library !== undefined)).toEqual([]);
  });
});
