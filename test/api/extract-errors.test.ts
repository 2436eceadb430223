/**
 * Bad input gets the catalogue's error (status, stable code, a message a person can act on) and the
 * service stays up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";
import { buildEncryptedPdf } from "../support/pdf-fixtures.js";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    server: { respond: lexiconModel([{ type: "place", text: "Lyon" }]) },
    env: { MAX_UPLOAD_BYTES: "4096" },
  });
});
afterAll(async () => harness.close());

async function upload(bytes: Uint8Array, filename: string, fields: Record<string, string> = {}) {
  const body = await multipartBody({ bytes, filename }, fields);
  const response = await harness.app.inject({ method: "POST", url: "/v1/extract", ...body });
  return {
    status: response.statusCode,
    error: (response.json() as { error: { code: string; message: string } }).error,
  };
}

describe("POST /v1/extract with bad input", () => {
  it.each([
    ["an empty file", new Uint8Array(), "empty.txt", 400, "EMPTY_DOCUMENT"],
    [
      "binary garbage",
      Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256),
      "data.bin",
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    [
      "a .pdf that is not a PDF",
      new TextEncoder().encode("Ceci n'est pas un PDF."),
      "pipe.pdf",
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    [
      "a PNG image cut after its signature",
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      "scan.png",
      422,
      "CORRUPT_DOCUMENT",
    ],
  ])("refuses %s", async (_label, bytes, filename, status, code) => {
    const result = await upload(bytes, filename);
    expect(result.status).toBe(status);
    expect(result.error.code).toBe(code);
    expect(result.error.message.length).toBeGreaterThan(20);
  });

  it("refuses an encrypted PDF", async () => {
    const result = await upload(await buildEncryptedPdf(), "secret.pdf");
    expect(result).toMatchObject({ status: 422, error: { code: "ENCRYPTED_PDF" } });
  });

  it("answers 413 for an upload over the limit, multipart or raw", async () => {
    const big = new Uint8Array(10_000).fill(0x61);
    expect(await upload(big, "big.txt")).toMatchObject({ status: 413, error: { code: "PAYLOAD_TOO_LARGE" } });
    const raw = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      headers: { "content-type": "text/plain" },
      payload: Buffer.from(big),
    });
    expect(raw.statusCode).toBe(413);
    expect(raw.json()).toMatchObject({
      error: { code: "PAYLOAD_TOO_LARGE", message: expect.stringContaining("MAX_UPLOAD_BYTES") },
    });
  });

  it("answers 404 for an unknown profile, naming the known ones", async () => {
    const result = await upload(new TextEncoder().encode("Lyon"), "a.txt", { profile: "nonexistent" });
    expect(result.status).toBe(404);
    expect(result.error.code).toBe("UNKNOWN_PROFILE");
    expect(result.error.message).toContain("default");
  });

  it.each([
    ["not JSON", "{ this is not json"],
    ["not a JSON Schema", JSON.stringify({ type: "object", properties: { entities: { type: 42 } } })],
    [
      "a schema without an entities array",
      JSON.stringify({ type: "object", properties: { names: { type: "array" } } }),
    ],
  ])("answers 422 for a custom schema that is %s", async (_label, schema) => {
    const result = await upload(new TextEncoder().encode("Lyon"), "a.txt", { schema });
    expect(result.status).toBe(422);
    expect(result.error.code).toBe("INVALID_PROFILE");
  });

  it("answers 400 for a JSON body without text and for a bad language code", async () => {
    const noText = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      payload: { document: "Lyon" },
    });
    expect(noText.statusCode).toBe(400);
    expect(noText.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    const badLanguage = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      payload: { text: "Lyon", language: "French!" },
    });
    expect(badLanguage.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
  });

  it("answers 415 for a content type it cannot read", async () => {
    const response = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      headers: { "content-type": "application/xml" },
      payload: "<a/>",
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ error: { code: "UNSUPPORTED_MEDIA_TYPE" } });
  });

  it("answers 502 when the model server answers garbage, and stays up", async () => {
    harness.server.failNext({ garbage: true });
    const response = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      payload: { text: "Le courrier de Lyon." },
    });
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({ error: { code: "ENDPOINT_BAD_RESPONSE" } });
    const health = await harness.app.inject({ method: "GET", url: "/health" });
    expect(health.statusCode).toBe(200);
    const again = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      payload: { text: "Le courrier de Lyon." },
    });
    expect(again.statusCode).toBe(200);
  });
});

describe("a model server that is not there", () => {
  it("answers 502 on extract and 503 on /ready, naming the endpoint", async () => {
    const down = await startHarness({
      env: { BLOOM_ENDPOINT_URL: "http://127.0.0.1:9", MODEL_RETRIES: "1" },
    });
    try {
      const extract = await down.app.inject({
        method: "POST",
        url: "/v1/extract",
        payload: { text: "Lyon" },
      });
      expect(extract.statusCode).toBe(502);
      expect(extract.json()).toMatchObject({ error: { code: "ENDPOINT_UNREACHABLE", retryable: true } });
      const ready = await down.app.inject({ method: "GET", url: "/ready" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({
        error: { code: "NOT_READY", message: expect.stringContaining("127.0.0.1:9") },
      });
    } finally {
      await down.close();
    }
  });
});
