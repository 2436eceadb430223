/**
 * The TGI adapter over real HTTP against the test server: what reaches the server, how answers and
 * failures come back, and which failures are retried.
 */
import { inspect } from "node:util";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { connect, ENTITY_SCHEMA } from "../support/tgi-client.js";
import { startTgiTestServer, type TgiTestServer, type TgiTestServerOptions } from "../support/tgi-server.js";
import { tokenize } from "../support/tgi-tokenizer.js";

const ANSWER = '{"entities": [{"type": "person", "text": "Jean Valjean"}]}';
const PROMPT = "Texte : Jean Valjean naquit à Faverolles en 1769.\nEntités :";

let server: TgiTestServer;
afterEach(() => server.close());

async function start(options: TgiTestServerOptions = {}) {
  server = await startTgiTestServer({ respond: () => ANSWER, ...options });
  return server;
}

/** The generation requests as the server received them (TGI's POST / route). */
const generations = () =>
  server.received.filter((request) => request.method === "POST" && request.path === "/");

describe("TGI adapter: requests", () => {
  it("sends the schema as TGI's JSON grammar with greedy decoding, and reports it applied", async () => {
    await start();
    const { endpoint } = connect(server.url);

    const result = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200, schema: ENTITY_SCHEMA });

    expect(generations()).toHaveLength(1);
    expect(generations()[0]?.body).toEqual({
      inputs: PROMPT,
      parameters: {
        max_new_tokens: 200,
        do_sample: false,
        details: true,
        return_full_text: false,
        grammar: { type: "json", value: ENTITY_SCHEMA },
      },
    });
    expect(result).toMatchObject({
      text: ANSWER,
      finishReason: "eos_token",
      grammarApplied: true,
      attempts: 1,
    });
  });

  it("passes stop sequences and reports a stop_sequence finish", async () => {
    await start({ respond: () => `${ANSWER}\n\nTexte : la suite` });
    const { endpoint } = connect(server.url);

    const result = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200, stop: ["\n\n"] });

    expect(generations()[0]?.body).toMatchObject({ parameters: { stop: ["\n\n"] } });
    expect(result).toMatchObject({ text: `${ANSWER}\n\n`, finishReason: "stop_sequence" });
  });

  it("surfaces finish_reason length when the output is cut at maxNewTokens", async () => {
    await start();
    const { endpoint } = connect(server.url);

    const result = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 4, schema: ENTITY_SCHEMA });

    expect(result.finishReason).toBe("length");
    expect(result.generatedTokens).toBe(4);
    expect(ANSWER.startsWith(result.text)).toBe(true);
    expect(result.text.length).toBeLessThan(ANSWER.length);
  });

  it("sends HF_TOKEN as a bearer token on every request", async () => {
    await start();
    const { endpoint } = connect(server.url, { HF_TOKEN: "hf_test_secret" });

    await endpoint.info();
    await endpoint.countTokens("Faverolles");
    await endpoint.generate({ prompt: PROMPT, maxNewTokens: 50 });

    expect(server.received.map((request) => request.path)).toEqual(["/info", "/tokenize", "/"]);
    for (const request of server.received)
      expect(request.headers.authorization).toBe("Bearer hf_test_secret");
  });

  it("sends no Authorization header without a token", async () => {
    await start();
    const { endpoint } = connect(server.url);

    await endpoint.info();
    await endpoint.countTokens("Faverolles");
    await endpoint.generate({ prompt: PROMPT, maxNewTokens: 50 });

    expect(server.received).toHaveLength(3);
    for (const request of server.received) expect(request.headers.authorization).toBeUndefined();
  });

  it("never puts the token in logs or errors", async () => {
    await start();
    const lines: string[] = [];
    const logger = pino({ level: "trace" }, { write: (line: string) => lines.push(line) });
    const env = { HF_TOKEN: "hf_never_shown", MODEL_RETRIES: "1" };
    const { endpoint } = connect(server.url, env, { logger });
    server.failNext({ status: 503 }, { status: 429 });
    const vllm = await startTgiTestServer({ openaiOnly: true });
    // A TGI client against a server without GET /info: the failure comes from the GET path.
    const wrongKind = connect(vllm.url, env, { logger }).endpoint;

    const errors = [
      await endpoint.generate({ prompt: PROMPT, maxNewTokens: 20 }).catch((caught: unknown) => caught),
      await wrongKind.info().catch((caught: unknown) => caught),
    ];
    await vllm.close();

    expect(errors.map((error) => (error as { code: string }).code)).toEqual([
      "ENDPOINT_OVERLOADED",
      "ENDPOINT_REJECTED",
    ]);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("")).not.toContain("hf_never_shown");
    for (const error of errors) {
      expect(inspect(error, { depth: 10 })).not.toContain("hf_never_shown");
      expect(JSON.stringify(error)).not.toContain("hf_never_shown");
    }
  });

  it("takes limits from GET /info once and counts tokens with the server's tokenizer", async () => {
    await start({ maxInputTokens: 700, maxTotalTokens: 1500, maxConcurrentRequests: 3 });
    const { endpoint } = connect(server.url);
    const text = "Pour déguster un ortolan, il faut tout d'abord";

    await endpoint.generate({ prompt: PROMPT, maxNewTokens: 50 });
    const info = await endpoint.info();
    const count = await endpoint.countTokens(text);

    expect(info).toEqual({
      kind: "tgi",
      modelId: "bigscience/bloomz-560m",
      maxInputTokens: 700,
      maxTotalTokens: 1500,
      maxConcurrentRequests: 3,
      exactTokenCounts: true,
    });
    expect(count).toBe(tokenize(text).length);
    expect(server.received.filter((request) => request.path === "/info")).toHaveLength(1);
  });
});

describe("TGI adapter: retries", () => {
  it("retries a 429 and succeeds", async () => {
    await start();
    const { endpoint, sleeps } = connect(server.url);
    server.failNext({ status: 429 });

    const result = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200 });

    expect(result).toMatchObject({ text: ANSWER, attempts: 2 });
    expect(generations()).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("waits at least the estimated_time of a 503 before retrying", async () => {
    await start();
    const { endpoint, sleeps } = connect(server.url, { MODEL_RETRY_MAX_MS: "1000" });
    server.failNext({
      status: 503,
      body: { error: "Model bigscience/bloomz-560m is currently loading", estimated_time: 7.5 },
    });

    const result = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200 });

    expect(result.attempts).toBe(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(7500);
  });

  it.each([424, 500] as const)("retries a %i", async (status) => {
    await start();
    const { endpoint } = connect(server.url);
    server.failNext({ status });

    const result = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200 });

    expect(result.attempts).toBe(2);
  });

  it("retries a dropped connection", async () => {
    await start();
    const { endpoint } = connect(server.url);
    server.failNext({ drop: true });

    const result = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200 });

    expect(result).toMatchObject({ text: ANSWER, attempts: 2 });
    expect(generations()).toHaveLength(2);
  });

  it("keeps backoff delays under MODEL_RETRY_MAX_MS", async () => {
    await start();
    const { endpoint, sleeps } = connect(server.url, {
      MODEL_RETRIES: "4",
      MODEL_RETRY_BASE_MS: "100",
      MODEL_RETRY_MAX_MS: "250",
    });
    server.failNext({ status: 429 }, { status: 429 }, { status: 429 }, { status: 429 });

    await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200 });

    expect(sleeps).toHaveLength(4);
    for (const [index, ms] of sleeps.entries())
      expect(ms).toBeLessThanOrEqual(Math.min(250, 100 * 2 ** index));
  });

  it("reports ENDPOINT_OVERLOADED once the retries are spent", async () => {
    await start();
    const { endpoint } = connect(server.url, { MODEL_RETRIES: "2" });
    server.failNext({ status: 429 }, { status: 429 }, { status: 429 });

    await expect(endpoint.generate({ prompt: PROMPT, maxNewTokens: 200 })).rejects.toMatchObject({
      code: "ENDPOINT_OVERLOADED",
      details: { upstreamStatus: 429, attempts: 3 },
    });
    expect(generations()).toHaveLength(3);
  });

  it("reports ENDPOINT_TIMEOUT when the server never answers", async () => {
    await start();
    const { endpoint } = connect(server.url, { MODEL_TIMEOUT_MS: "150", MODEL_RETRIES: "1" });
    server.failNext({ hang: true }, { hang: true });

    await expect(endpoint.generate({ prompt: PROMPT, maxNewTokens: 200 })).rejects.toMatchObject({
      code: "ENDPOINT_TIMEOUT",
      details: { attempts: 2 },
    });
    expect(generations()).toHaveLength(2);
  });

  it("stops at once, with the caller's reason, when the caller aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("client went away");
    // Server and client share this process: the abort lands while the server is still generating.
    await start({
      respond: () => {
        controller.abort(reason);
        return ANSWER;
      },
    });
    const { endpoint, sleeps } = connect(server.url);

    await expect(
      endpoint.generate({ prompt: PROMPT, maxNewTokens: 200, signal: controller.signal }),
    ).rejects.toBe(reason);
    expect(generations()).toHaveLength(1);
    expect(sleeps).toHaveLength(0);
  });
});

describe("TGI adapter: refusals and bad answers", () => {
  it("maps 'inputs must have less than' to INPUT_TOO_LONG without retrying", async () => {
    await start({ maxInputTokens: 10 });
    const { endpoint, sleeps } = connect(server.url);
    const given = tokenize(PROMPT).length;

    await expect(endpoint.generate({ prompt: PROMPT, maxNewTokens: 20 })).rejects.toMatchObject({
      code: "INPUT_TOO_LONG",
      details: { maxInputTokens: 10, given, upstreamStatus: 422 },
    });
    expect(generations()).toHaveLength(1);
    expect(sleeps).toHaveLength(0);
  });

  it("maps the max_total_tokens refusal to INPUT_TOO_LONG with the limits", async () => {
    await start({ maxInputTokens: 1000, maxTotalTokens: 100 });
    const { endpoint } = connect(server.url);

    await expect(endpoint.generate({ prompt: PROMPT, maxNewTokens: 95 })).rejects.toMatchObject({
      code: "INPUT_TOO_LONG",
      details: { maxTotalTokens: 100, given: tokenize(PROMPT).length, maxNewTokens: 95 },
    });
    expect(generations()).toHaveLength(1);
  });

  it("maps any other 422 to ENDPOINT_REJECTED without retrying", async () => {
    await start();
    const { endpoint } = connect(server.url);

    // TGI serves at most 4 stop sequences.
    await expect(
      endpoint.generate({ prompt: PROMPT, maxNewTokens: 20, stop: ["a", "b", "c", "d", "e"] }),
    ).rejects.toMatchObject({
      code: "ENDPOINT_REJECTED",
      retryable: false,
      details: { upstreamStatus: 422 },
    });
    expect(generations()).toHaveLength(1);
  });

  it.each([
    ["application/json", undefined],
    ["text/html", "text/html; charset=utf-8"],
  ])("maps a 200 that is not JSON (%s) to ENDPOINT_BAD_RESPONSE without retrying", async (_, contentType) => {
    await start();
    const { endpoint } = connect(server.url);
    server.failNext(contentType ? { garbage: true, contentType } : { garbage: true });

    await expect(endpoint.generate({ prompt: PROMPT, maxNewTokens: 20 })).rejects.toMatchObject({
      code: "ENDPOINT_BAD_RESPONSE",
    });
    expect(generations()).toHaveLength(1);
  });

  it("falls back to no grammar when TGI runs with --disable-grammar-support, and remembers it", async () => {
    await start({ grammarSupport: false });
    const { endpoint } = connect(server.url);

    const first = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200, schema: ENTITY_SCHEMA });
    const second = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200, schema: ENTITY_SCHEMA });

    expect(first).toMatchObject({ text: ANSWER, grammarApplied: false, attempts: 2 });
    expect(second).toMatchObject({ grammarApplied: false, attempts: 1 });
    const sent = generations().map((request) => (request.body as { parameters: object }).parameters);
    expect(sent).toHaveLength(3);
    expect(sent[0]).toHaveProperty("grammar");
    expect(sent[1]).not.toHaveProperty("grammar");
    expect(sent[2]).not.toHaveProperty("grammar");
  });

  it("drops a schema TGI cannot compile for that request only", async () => {
    await start();
    const { endpoint } = connect(server.url);

    // TGI needs `properties` at the top of a JSON grammar.
    const refused = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200, schema: { type: "array" } });
    const accepted = await endpoint.generate({ prompt: PROMPT, maxNewTokens: 200, schema: ENTITY_SCHEMA });

    expect(refused).toMatchObject({ grammarApplied: false, attempts: 2 });
    expect(accepted).toMatchObject({ grammarApplied: true, attempts: 1 });
    expect(generations()[2]?.body).toMatchObject({ parameters: { grammar: { type: "json" } } });
  });
});
