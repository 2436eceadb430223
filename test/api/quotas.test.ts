/**
 * Rate limits and quotas per key: requests per minute, jobs at once, bytes stored by the tenant, pages
 * read by OCR per day; each answered 429 with Retry-After and its own code, and shown by GET /v1/usage.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utcDay } from "../../src/auth/quotas.js";
import { buildZip } from "../support/archives.js";
import { addKey, bearer } from "../support/auth.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

/** 100 bytes of text, different for each `n`. */
const text = (n: number) => `Acte ${String(n).padStart(3, "0")} passé à Bordeaux.`.padEnd(100, ".");

describe("rate limits and quotas", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      server: { respond: lexiconModel([{ type: "place", text: "Bordeaux" }]) },
      env: {
        RATE_LIMIT_PER_MINUTE: "8",
        QUOTA_CONCURRENT_JOBS: "1",
        QUOTA_STORED_BYTES: "150",
        QUOTA_OCR_PAGES_PER_DAY: "3",
        JOB_ATTEMPTS: "1",
      },
    });
  });
  afterAll(() => harness.close());

  const post = (key: string, url: string, payload: object) =>
    harness.app.inject({ method: "POST", url, headers: bearer(key), payload });
  const refusal = (response: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => {
    const { error } = response.json() as { error: { code: string; quota?: string } };
    return {
      status: response.statusCode,
      code: error.code,
      quota: error.quota,
      retryAfter: Number(response.headers["retry-after"]),
    };
  };

  it("limits each key's requests per minute, and no other key's", async () => {
    const { key } = await addKey(harness.services.store, "reader", "busy");
    const other = await addKey(harness.services.store, "reader", "busy");
    for (let i = 0; i < 8; i++)
      expect((await harness.app.inject({ url: "/v1/schemas", headers: bearer(key) })).statusCode).toBe(200);
    const limited = await harness.app.inject({ url: "/v1/schemas", headers: bearer(key) });
    const { retryAfter, ...rest } = refusal(limited);
    expect(rest).toEqual({ status: 429, code: "RATE_LIMITED", quota: undefined });
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await harness.app.inject({ url: "/v1/schemas", headers: bearer(other.key) })).statusCode).toBe(
      200,
    );
  });

  it("refuses a key's job past QUOTA_CONCURRENT_JOBS until one ends", async () => {
    const { key, id } = await addKey(harness.services.store, "submitter", "jobs");
    // A job of the key that is running (it has no document yet).
    await harness.services.store.createJob({
      id: "running-job",
      tenant: "jobs",
      createdBy: id,
      kind: "batch",
      state: "running",
      spec: { profile: "default" },
      createdAt: Date.now(),
    });
    expect(refusal(await post(key, "/v1/documents", { text: text(1) }))).toEqual({
      status: 429,
      code: "QUOTA_EXCEEDED",
      quota: "jobs",
      retryAfter: 60,
    });
    const zip = await harness.app.inject({
      method: "POST",
      url: "/v1/batches",
      headers: { ...bearer(key), "content-type": "application/zip" },
      payload: await buildZip([{ name: "a.txt", data: text(2) }]),
    });
    expect(refusal(zip).quota).toBe("jobs");
    await harness.services.jobs.cancel("running-job");
    expect((await post(key, "/v1/documents", { text: text(1) })).statusCode).toBe(202);
  });

  it("keeps a tenant within QUOTA_STORED_BYTES: uploads refused, batch entries skipped", async () => {
    const { key } = await addKey(harness.services.store, "submitter", "small");
    const first = await post(key, "/v1/documents", { text: text(10) });
    await harness.services.jobs.whenSettled(first.json().id);
    const second = refusal(await post(key, "/v1/documents", { text: text(11) }));
    expect(second).toEqual({ status: 429, code: "QUOTA_EXCEEDED", quota: "storedBytes", retryAfter: 3600 });

    const batch = await harness.app.inject({
      method: "POST",
      url: "/v1/batches",
      headers: { ...bearer(key), "content-type": "application/zip" },
      payload: await buildZip([
        { name: "small.txt", data: "Bordeaux, 1790." },
        { name: "big.txt", data: text(12) },
      ]),
    });
    await harness.services.jobs.whenSettled(batch.json().id);
    const view = (
      await harness.app.inject({ url: `/v1/batches/${batch.json().id}`, headers: bearer(key) })
    ).json();
    expect(view.skipped.map((entry: { path: string; reason: string }) => [entry.path, entry.reason])).toEqual(
      [["big.txt", "OVER_QUOTA"]],
    );
    const usage = (await harness.app.inject({ url: "/v1/usage", headers: bearer(key) })).json();
    expect(usage.storedBytes).toEqual({ limit: 150, used: Buffer.byteLength(text(10)) + 15 });
  });

  it("stops a key's work once its OCR pages of the day are used up, until the next day", async () => {
    const { key, id } = await addKey(harness.services.store, "submitter", "scans");
    await harness.services.store.addOcrPages(id, utcDay(Date.now()), 3);
    const refused = refusal(await post(key, "/v1/extract", { text: text(20) }));
    expect(refused).toMatchObject({ status: 429, code: "QUOTA_EXCEEDED", quota: "ocrPages" });
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect(refused.retryAfter).toBeLessThanOrEqual(86_400);

    // A job the key had before: its documents fail with the quota's code (JOB_ATTEMPTS=1: at once).
    const { store, jobs } = harness.services;
    const accepted = await post((await addKey(store, "submitter", "scans")).key, "/v1/documents", {
      text: text(21),
    });
    await jobs.whenSettled(accepted.json().id);
    await store.createJob(
      {
        id: "late",
        tenant: "scans",
        createdBy: id,
        kind: "batch",
        state: "running",
        // Another profile: no stored result to reuse, so the document would be read again.
        spec: { profile: "baptism-record" },
        createdAt: Date.now(),
      },
      [{ path: "a.txt", documentId: accepted.json().document }],
    );
    jobs.wake();
    await jobs.whenSettled("late");
    const [task] = await store.listTasks("late", { limit: 1 });
    expect([task?.state, task?.error?.code]).toEqual(["failed", "QUOTA_EXCEEDED"]);

    const usage = (await harness.app.inject({ url: "/v1/usage", headers: bearer(key) })).json();
    expect(usage).toMatchObject({
      tenant: "scans",
      key: id,
      requestsPerMinute: { limit: 8 },
      jobs: { limit: 1, used: 0 },
      ocrPagesToday: { limit: 3, used: 3 },
    });
  });
});
