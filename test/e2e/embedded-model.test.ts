/**
 * BLOOM embedded in the process, for real: llama.cpp runs a tiny random-weight BLOOM GGUF written by the
 * test. Random weights prove the plumbing (limits, exact token counts, grammar, abort, byte-exact text,
 * readiness, bad files), not the quality of the answers.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createEndpoint } from "../../src/endpoint/create-endpoint.js";
import type { LlmEndpoint } from "../../src/endpoint/port.js";
import { isPalimpsestError } from "../../src/errors.js";
import { loadProfiles } from "../../src/profiles/registry.js";
import { startEmbeddedApp, type TinyModel, tinyModel } from "../support/embedded.js";
import { startFakeHub } from "../support/fake-hub.js";

let model: TinyModel;

/** A profile whose answers are short by construction, so random weights finish them. */
const BOUNDED_PROFILE = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "Short names",
  type: "object",
  properties: {
    entities: {
      type: "array",
      minItems: 1,
      maxItems: 2,
      items: {
        type: "object",
        properties: {
          type: { enum: ["person", "place"] },
          text: { type: "string", minLength: 1, maxLength: 12 },
        },
        required: ["type", "text"],
        additionalProperties: false,
      },
    },
  },
  required: ["entities"],
  additionalProperties: false,
  "x-palimpsest": {
    version: "1.0.0",
    examples: [
      {
        language: "fr",
        text: "Jean Dupuis à Rouen.",
        output: {
          entities: [
            { type: "person", text: "Jean Dupuis" },
            { type: "place", text: "Rouen" },
          ],
        },
      },
    ],
  },
};

beforeAll(async () => {
  model = await tinyModel();
});

afterAll(async () => {
  await model.remove();
});

function embedded(env: Record<string, string> = {}): LlmEndpoint {
  return createEndpoint(
    loadConfig({ BLOOM_MODEL: model.path, EMBEDDED_THREADS: "1", DATA_DIR: model.dir, ...env }),
  );
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("the embedded endpoint", () => {
  it("is what runs without BLOOM_ENDPOINT_URL, with BLOOM's limits and the model's own token counts", async () => {
    const endpoint = embedded({ EMBEDDED_SEQUENCES: "2" });
    expect(await endpoint.info()).toEqual({
      kind: "embedded",
      modelId: model.path,
      maxInputTokens: 2047,
      maxTotalTokens: 2048,
      maxConcurrentRequests: 2,
      exactTokenCounts: true,
    });
    const text = "Le sieur Jean Dupuis, notaire à Rouen, vendit une maison rue du Bac.";
    const count = await endpoint.countTokens(text);
    // A real BPE: fewer tokens than bytes, more than words.
    expect(count).toBeLessThan(Buffer.byteLength(text));
    expect(count).toBeGreaterThan(text.split(" ").length);
    const result = await endpoint.generate({ prompt: text, maxNewTokens: 4 });
    expect(result.promptTokens).toBe(count);
    expect(result.generatedTokens).toBeLessThanOrEqual(4);
  });

  it("decodes under the default profile's grammar: real entities, not null", async () => {
    const endpoint = embedded();
    const profile = (await loadProfiles()).get("default");
    const result = await endpoint.generate({
      prompt: "Texte : « Vers 1784, M. Jean Dupuis, notaire à Rouen. »\nJSON: ",
      maxNewTokens: 24,
      schema: profile.schema,
    });
    expect(result.grammarApplied).toBe(true);
    // Random weights write long strings: the answer is cut, but what there is follows the grammar.
    expect(result.text).toMatch(
      /^ ?\{"entities":\[(\]\}$|\{"type":"(person|place|organization|date|work|event)")/,
    );
  });

  it("finishes with schema-valid JSON when the schema bounds the answer", async () => {
    const endpoint = embedded();
    const validate = new Ajv2020({ strict: false }).compile(BOUNDED_PROFILE);
    for (const prompt of ["Jean Dupuis à Rouen.", "« Qui va là ? » dit le notaire.", "𝔄𝔫𝔫𝔬 1784"]) {
      const result = await endpoint.generate({ prompt, maxNewTokens: 200, schema: BOUNDED_PROFILE });
      expect(result.finishReason).toBe("eos_token");
      const answer = JSON.parse(result.text);
      expect(validate(answer), result.text).toBe(true);
      expect(answer.entities.length).toBeGreaterThan(0);
    }
  });

  it("refuses a prompt that does not fit as INPUT_TOO_LONG instead of dropping its start", async () => {
    const endpoint = embedded({ EMBEDDED_CONTEXT: "256" });
    const long = "Le notaire Jean Dupuis vendit la maison. ".repeat(60);
    const error = await rejection(endpoint.generate({ prompt: long, maxNewTokens: 16 }));
    expect(isPalimpsestError(error) && error.code).toBe("INPUT_TOO_LONG");
    // The prompt fits, the answer budget does not: refused too, as TGI does.
    const short = "Le notaire Jean Dupuis.";
    const tooMuch = await rejection(endpoint.generate({ prompt: short, maxNewTokens: 250 }));
    expect(isPalimpsestError(tooMuch) && tooMuch.code).toBe("INPUT_TOO_LONG");
    expect((await endpoint.generate({ prompt: short, maxNewTokens: 8 })).generatedTokens).toBeGreaterThan(0);
  });

  it("stops a generation when its signal aborts, and serves the next call", async () => {
    const endpoint = embedded({ EMBEDDED_CONTEXT: "2048" });
    await endpoint.info();
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("client left")), 150);
    const error = await rejection(
      endpoint.generate({ prompt: "Il était une fois", maxNewTokens: 2000, signal: controller.signal }),
    );
    expect(error.message).toBe("client left");
    // 2000 tokens take seconds even on this tiny model; the abort ends it at the next token.
    expect(Date.now() - started).toBeLessThan(1500);
    const next = await endpoint.generate({ prompt: "Il était une fois", maxNewTokens: 3 });
    expect(next.generatedTokens).toBe(3);
  });
});

describe("the service with BLOOM embedded", () => {
  it("extracts through the whole pipeline, and /ready tells the model apart from a server", async () => {
    const embeddedApp = await startEmbeddedApp(model.path);
    try {
      const response = await embeddedApp.app.inject({
        method: "POST",
        url: "/v1/extract",
        payload: {
          text: "Le 3 mai 1851, Jean Dupuis quitta Rouen pour Paris.",
          language: "fr",
          schema: BOUNDED_PROFILE,
        },
      });
      expect(response.statusCode, response.body).toBe(200);
      const extraction = response.json();
      expect(extraction.stats.modelCalls).toBeGreaterThan(0);
      expect(extraction.model.grammar).toBe(true);
      // Whatever random weights said, each item is either grounded in the text or rejected with a reason.
      for (const entity of extraction.entities)
        for (const mention of entity.mentions)
          expect(extraction.text.slice(mention.start, mention.end)).toBe(mention.text);
      const ready = await embeddedApp.app.inject({ method: "GET", url: "/ready" });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().endpoint).toMatchObject({ kind: "embedded", maxTotalTokens: 2048 });
    } finally {
      await embeddedApp.close();
    }
  });

  it("says in /ready and in each answer that a corrupt model file is unusable, and stays up", async () => {
    const corrupt = join(model.dir, "corrupt.gguf");
    await writeFile(corrupt, Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(64, 0xff)]));
    const embeddedApp = await startEmbeddedApp(corrupt);
    try {
      const first = await embeddedApp.app.inject({ method: "GET", url: "/ready" });
      expect(first.statusCode).toBe(503);
      const extract = await embeddedApp.app.inject({
        method: "POST",
        url: "/v1/extract",
        payload: { text: "Jean Dupuis à Rouen." },
      });
      expect(extract.statusCode).toBe(503);
      expect(extract.json().error.code).toBe("MODEL_INVALID");
      expect(extract.json().error.message).toContain(corrupt);
      const ready = await embeddedApp.app.inject({ method: "GET", url: "/ready" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().error.message).toContain(corrupt);
      expect((await embeddedApp.app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
    } finally {
      await embeddedApp.close();
    }
  });
});

describe("the first start, downloading the model", () => {
  it("downloads BLOOM_MODEL from the hub once, says how far in /ready, then extracts offline", async () => {
    const bytes = await readFile(model.path);
    const hub = await startFakeHub({
      files: { "bigscience/tiny-bloom/main/tiny-bloom.gguf": bytes },
      bytesPerSecond: 200_000,
    });
    const embeddedApp = await startEmbeddedApp("hf:bigscience/tiny-bloom/tiny-bloom.gguf", {
      HF_ENDPOINT: hub.url,
    });
    try {
      const early = await embeddedApp.app.inject({ method: "GET", url: "/ready" });
      expect(early.statusCode).toBe(503);
      expect(early.json().error.message).toMatch(/download|looked for/);
      await vi.waitFor(
        async () => {
          const ready = await embeddedApp.app.inject({ method: "GET", url: "/ready" });
          expect(ready.statusCode).toBe(200);
        },
        { timeout: 20_000, interval: 200 },
      );
      const stored = join(embeddedApp.dataDir, "models/hub/bigscience/tiny-bloom/main/tiny-bloom.gguf");
      expect((await readFile(stored)).equals(bytes)).toBe(true);
      await hub.close();
      const response = await embeddedApp.app.inject({
        method: "POST",
        url: "/v1/extract",
        payload: { text: "Jean Dupuis à Rouen.", schema: BOUNDED_PROFILE },
      });
      expect(response.statusCode, response.body).toBe(200);
    } finally {
      await embeddedApp.close();
      await hub.close().catch(() => {});
    }
  });

  it("offline and without the file, names the file, its URL and where to put it, and does not hang", async () => {
    const embeddedApp = await startEmbeddedApp("hf:bigscience/tiny-bloom/tiny-bloom.gguf", {
      // A port nothing listens on: no network.
      HF_ENDPOINT: "http://127.0.0.1:9",
    });
    try {
      const response = await embeddedApp.app.inject({
        method: "POST",
        url: "/v1/extract",
        payload: { text: "Jean Dupuis à Rouen." },
      });
      expect(response.statusCode).toBe(503);
      const { code, message } = response.json().error;
      expect(code).toBe("MODEL_NOT_AVAILABLE");
      expect(message).toContain("tiny-bloom.gguf");
      expect(message).toContain("http://127.0.0.1:9/bigscience/tiny-bloom/resolve/main/tiny-bloom.gguf");
      expect(message).toContain(join(embeddedApp.dataDir, "models"));
    } finally {
      await embeddedApp.close();
    }
  });
});
