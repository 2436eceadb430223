/**
 * The TGI test server itself: it must refuse what real TGI refuses, with TGI's words, or the adapter tests
 * prove nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startTgiTestServer, type TgiTestServer, type TgiTestServerOptions } from "../support/tgi-server.js";

let server: TgiTestServer;
afterEach(() => server.close());

async function start(options: TgiTestServerOptions = {}) {
  server = await startTgiTestServer({ respond: () => '{"entities": []}', ...options });
}

async function post(path: string, body: unknown, contentType = "application/json") {
  const response = await fetch(server.url + path, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: response.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text,
  };
}

describe("TGI test server contract", () => {
  it.each([
    ["missing inputs", { parameters: {} }, "missing field `inputs`"],
    ["non-string inputs", { inputs: 42 }, "inputs: invalid type: integer `42`, expected a string"],
    ["a string max_new_tokens", { inputs: "x", parameters: { max_new_tokens: "5" } }, "expected u32"],
    ["a negative max_new_tokens", { inputs: "x", parameters: { max_new_tokens: -1 } }, "expected u32"],
    ["a null do_sample", { inputs: "x", parameters: { do_sample: null } }, "expected a boolean"],
    ["a string stop", { inputs: "x", parameters: { stop: "\n" } }, "expected a sequence"],
    [
      "an unknown grammar type",
      { inputs: "x", parameters: { grammar: { type: "xml", value: "<a/>" } } },
      "unknown variant `xml`",
    ],
    [
      "a regex grammar that is not a string",
      { inputs: "x", parameters: { grammar: { type: "regex", value: 1 } } },
      "expected a string",
    ],
  ])("refuses %s with 422", async (_, body, message) => {
    await start();
    const answer = await post("/generate", body);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error_type: "validation", error: expect.stringContaining(message) });
  });

  it.each([
    [
      "max_new_tokens 0",
      { max_new_tokens: 0 },
      "Input validation error: `max_new_tokens` must be strictly positive",
    ],
    ["temperature 0", { temperature: 0 }, "Input validation error: `temperature` must be strictly positive"],
    [
      "five stop sequences",
      { stop: ["a", "b", "c", "d", "e"] },
      "Input validation error: `stop` supports up to 4 stop sequences. Given: 5",
    ],
    [
      "a json grammar that is a number",
      { grammar: { type: "json", value: 3 } },
      "Input validation error: grammar is not supported",
    ],
    [
      "a json grammar without properties",
      { grammar: { type: "json", value: { type: "object" } } },
      "Input validation error: grammar is not valid: Grammar must have a 'properties' field",
    ],
  ])("refuses %s with TGI's validation message", async (_, parameters, message) => {
    await start();
    const answer = await post("/generate", { inputs: "Texte", parameters });
    expect(answer).toEqual({ status: 422, body: { error: message, error_type: "validation" } });
  });

  it("refuses long inputs and long totals with TGI's exact messages", async () => {
    await start({ maxInputTokens: 5, maxTotalTokens: 12 });
    const tooLong = await post("/generate", {
      inputs: "a b c d e f",
      parameters: { max_new_tokens: 1 },
    });
    const tooMuch = await post("/generate", { inputs: "a b c", parameters: { max_new_tokens: 10 } });
    expect(tooLong.body).toEqual({
      error: "Input validation error: `inputs` must have less than 5 tokens. Given: 6",
      error_type: "validation",
    });
    expect(tooMuch.body).toEqual({
      error:
        "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 12. Given: 3 `inputs` tokens and 10 `max_new_tokens`",
      error_type: "validation",
    });
  });

  it("refuses any grammar when started without grammar support", async () => {
    await start({ grammarSupport: false });
    const answer = await post("/generate", {
      inputs: "Texte",
      parameters: { grammar: { type: "json", value: { properties: {} } } },
    });
    expect(answer).toEqual({
      status: 422,
      body: { error: "Input validation error: grammar is not supported", error_type: "validation" },
    });
  });

  it("refuses a body that is not JSON like axum: 415 without the content type, 400 when unparseable", async () => {
    await start();
    expect((await post("/generate", { inputs: "x" }, "text/plain")).status).toBe(415);
    expect((await post("/generate", "{inputs:")).status).toBe(400);
  });

  it("answers 429 while max_concurrent_requests generations are running", async () => {
    await start({ maxConcurrentRequests: 1, latencyMs: 1000 });
    const first = post("/generate", { inputs: "un" });
    while (server.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = await post("/generate", { inputs: "deux" });
    expect(second).toEqual({ status: 429, body: { error: "Model is overloaded", error_type: "overloaded" } });
    expect((await first).status).toBe(200);
  });

  it("answers like the bloom-560m snapshots: details with the EOS token counted, prefill on request", async () => {
    await start({ respond: () => " le faire fondre" });
    const answer = await post("/generate", {
      inputs: "Pour déguster un ortolan, il faut tout d'abord",
      parameters: { max_new_tokens: 10, details: true, decoder_input_details: true },
    });
    const { generated_text, details } = answer.body;
    expect(generated_text).toBe(" le faire fondre");
    expect(details).toMatchObject({ finish_reason: "eos_token", seed: null });
    expect(details.generated_tokens).toBe(details.tokens.length);
    expect(details.tokens.at(-1)).toEqual({ id: 2, text: "</s>", logprob: 0, special: true });
    expect(details.prefill[0]).toMatchObject({ logprob: null });
    expect(details.prefill.map((token: { text: string }) => token.text).join("")).toBe(
      "Pour déguster un ortolan, il faut tout d'abord",
    );
  });

  it("answers POST / with an array and the prompt included by default, as TGI's compat route", async () => {
    await start({ respond: () => " suite" });
    const answer = await post("/", { inputs: "Début" });
    expect(answer.body).toEqual([{ generated_text: "Début suite" }]);
  });

  it("tokenizes with UTF-8 byte offsets", async () => {
    await start();
    const answer = await post("/tokenize", { inputs: "dég ok" });
    expect(answer.body).toEqual([
      { id: expect.any(Number), text: "dég", start: 0, stop: 4 },
      { id: expect.any(Number), text: " ok", start: 4, stop: 7 },
    ]);
  });

  it("serves only /v1 routes in openaiOnly mode", async () => {
    await start({ openaiOnly: true });
    expect((await fetch(`${server.url}/info`)).status).toBe(404);
    expect((await post("/generate", { inputs: "x" })).status).toBe(404);
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: unknown[] };
    expect(models.data[0]).toMatchObject({ id: "bigscience/bloomz-560m", max_model_len: 2048 });
  });
});
