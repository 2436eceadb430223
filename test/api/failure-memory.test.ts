/**
 * A document's hard failure is remembered for its bytes: a second job with the same document and
 * settings fails at once with the same error, without reading it again; other settings, another
 * tenant or a failure that depends on the moment read it again.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { failureKey, isRemembered } from "../../src/jobs/failure-memory.js";
import { type Harness, startHarness } from "../support/harness.js";
import { buildTruncatedPdf } from "../support/pdf-fixtures.js";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());

async function runJob(bytes: Uint8Array) {
  const accepted = await harness.app.inject({
    method: "POST",
    url: "/v1/documents?filename=register.pdf",
    headers: { "content-type": "application/pdf" },
    payload: Buffer.from(bytes),
  });
  expect(accepted.statusCode).toBe(202);
  const { id } = accepted.json() as { id: string };
  await harness.services.jobs.whenSettled(id);
  const results = await harness.app.inject({ method: "GET", url: `/v1/jobs/${id}/results` });
  return JSON.parse(results.body.trim()) as { status: string; error?: { code: string; message: string } };
}

describe("failures remembered for a document's bytes", () => {
  it("fails a second job on the same corrupt document at once, without reading it again", async () => {
    const pdf = await buildTruncatedPdf();
    const reads = vi.spyOn(harness.services.blobs, "read");
    const first = await runJob(pdf);
    expect(first).toMatchObject({ status: "failed", error: { code: "CORRUPT_DOCUMENT" } });
    expect(reads).toHaveBeenCalledTimes(1);
    const second = await runJob(pdf);
    expect(second).toEqual(first);
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
  });
});

describe("failureKey", () => {
  const config = loadConfig({});
  const key = (tenant: string, overrides: Record<string, string> = {}) =>
    failureKey({ tenant, fingerprint: "f" }, loadConfig(overrides));

  it("changes with the tenant and with a limit that decides failures, not with other settings", () => {
    expect(key("a")).toBe(failureKey({ tenant: "a", fingerprint: "f" }, config));
    expect(key("b")).not.toBe(key("a"));
    expect(key("a", { OCR_DOCUMENT_PIXELS: "9000000000" })).not.toBe(key("a"));
    expect(key("a", { OCR_DOCUMENT_SECONDS: "3600" })).not.toBe(key("a"));
    expect(key("a", { PORT: "4000" })).toBe(key("a"));
    expect(failureKey({ tenant: "a", fingerprint: "g" }, config)).not.toBe(key("a"));
  });

  it.each([
    ["CORRUPT_DOCUMENT", true],
    ["TOO_MANY_PAGES", true],
    ["PAYLOAD_TOO_LARGE", true],
    ["OCR_BUDGET_EXCEEDED", true],
    ["OCR_TIMEOUT", true],
    ["OCR_FAILED", false],
    ["ENDPOINT_REJECTED", false],
    ["DOCUMENT_TIMEOUT", false],
    ["QUOTA_EXCEEDED", false],
    ["DOCUMENT_INTERRUPTED", false],
  ])("remembers %s: %s", (code, remembered) => {
    expect(isRemembered({ code, message: "", retryable: false })).toBe(remembered);
  });
});
