/**
 * GET /metrics: Prometheus' text format, counted by route pattern, server kind and outcome (never by
 * id), behind an admin key once keys are asked for, and off with METRICS=off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addKey, bearer } from "../support/auth.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

const LETTER = "Jean Dupuy écrivit de Bordeaux le 2 mars 1790 à son frère.";
const LEXICON = [
  { type: "place", text: "Bordeaux" },
  { type: "person", text: "Jean Dupuy" },
];

/** The value of one series of an exposition, undefined when it is not there. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics in open mode", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ server: { respond: lexiconModel(LEXICON) } });
  });
  afterAll(() => harness.close());

  const scrape = async () => {
    const response = await harness.app.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  it("counts requests by route pattern, model calls, tokens, documents, pages and chunks", async () => {
    const extracted = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      payload: { text: LETTER, language: "fr" },
    });
    expect(extracted.statusCode).toBe(200);
    const job = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      payload: { text: "Bordeaux" },
    });
    await harness.services.jobs.whenSettled(job.json().id);
    await harness.app.inject({ method: "GET", url: `/v1/jobs/${job.json().id}` });
    await harness.app.inject({ method: "GET", url: "/v2/nothing/here" });

    const text = await scrape();
    expect(
      sample(text, 'palimpsest_http_requests_total{method="POST",route="/v1/extract",status="200"}'),
    ).toBe(1);
    // The pattern, not the URL: no job id ever becomes a label.
    expect(
      sample(text, 'palimpsest_http_requests_total{method="GET",route="/v1/jobs/:id",status="200"}'),
    ).toBe(1);
    expect(text).not.toContain(job.json().id);
    expect(sample(text, 'palimpsest_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(
      1,
    );
    expect(
      sample(text, 'palimpsest_http_request_duration_seconds_count{method="POST",route="/v1/extract"}'),
    ).toBe(1);

    const calls = harness.server.received.filter((r) => r.path === "/").length;
    expect(sample(text, 'palimpsest_model_calls_total{server="tgi",outcome="ok",status="200"}')).toBe(calls);
    expect(sample(text, 'palimpsest_model_call_duration_seconds_count{server="tgi",outcome="ok"}')).toBe(
      calls,
    );
    expect(sample(text, 'palimpsest_model_generated_tokens_total{server="tgi"}')).toBeGreaterThan(0);
    expect(sample(text, 'palimpsest_documents_total{outcome="done"}')).toBe(2);
    expect(sample(text, "palimpsest_pages_total")).toBe(2);
    expect(sample(text, "palimpsest_chunks_total")).toBe(2);
    expect(sample(text, 'palimpsest_job_documents_total{outcome="done"}')).toBe(1);
    expect(sample(text, 'palimpsest_model_cache_lookups_total{result="miss"}')).toBe(1);
    // Node's own figures come along.
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
  });

  it("counts a model answer taken from the cache as a hit, and no model call", async () => {
    const before = await scrape();
    const callsBefore = sample(
      before,
      'palimpsest_model_calls_total{server="tgi",outcome="ok",status="200"}',
    );
    // Another alignment policy: the stored result does not serve, but the passage's prompt is the same.
    const job = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      payload: { text: "Bordeaux", fuzzy: false },
    });
    await harness.services.jobs.whenSettled(job.json().id);
    const after = await scrape();
    expect(sample(after, 'palimpsest_model_cache_lookups_total{result="hit"}')).toBe(1);
    expect(sample(after, 'palimpsest_model_calls_total{server="tgi",outcome="ok",status="200"}')).toBe(
      callsBefore,
    );
  });

  it("reports the queue's depth from the store, and the model slots in use", async () => {
    const text = await scrape();
    for (const state of ["queued", "running", "retrying"])
      expect(sample(text, `palimpsest_queue_tasks{state="${state}"}`)).toBe(0);
    expect(sample(text, 'palimpsest_queue_jobs{state="running"}')).toBe(0);
    expect(text).toContain("# TYPE palimpsest_model_slots_in_use gauge");
  });

  it("counts a model call that failed by its code and the server's status, with its retries", async () => {
    // MODEL_RETRIES is 3 in the harness: four 503s spend them all.
    harness.server.failNext(...Array.from({ length: 4 }, () => ({ status: 503 as const })));
    const failed = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      payload: { text: "Lettre de Nantes.", language: "fr" },
    });
    expect(failed.statusCode).toBe(503);
    const text = await scrape();
    expect(
      sample(text, 'palimpsest_model_calls_total{server="tgi",outcome="ENDPOINT_OVERLOADED",status="503"}'),
    ).toBe(1);
    expect(sample(text, 'palimpsest_model_retries_total{server="tgi"}')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'palimpsest_documents_total{outcome="failed"}')).toBe(1);
  });

  it("keeps each service's counts apart (one registry each)", async () => {
    const other = await startHarness();
    try {
      const text = (await other.app.inject({ method: "GET", url: "/metrics" })).body;
      expect(sample(text, 'palimpsest_documents_total{outcome="done"}')).toBeUndefined();
      expect(text).not.toContain('route="/v1/extract"');
    } finally {
      await other.close();
    }
  });
});

describe("GET /metrics with keys", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { AUTH: "on" } });
  });
  afterAll(() => harness.close());

  it("answers an admin's key only", async () => {
    const { store } = harness.services;
    const status = async (key?: string) =>
      (await harness.app.inject({ method: "GET", url: "/metrics", headers: bearer(key) })).statusCode;
    expect(await status()).toBe(401);
    expect(await status((await addKey(store, "reader", "lab")).key)).toBe(403);
    expect(await status((await addKey(store, "submitter", "lab")).key)).toBe(403);
    expect(await status((await addKey(store, "admin", "lab")).key)).toBe(200);
  });
});

describe("METRICS=off", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { METRICS: "off" } });
  });
  afterAll(() => harness.close());

  it("serves no /metrics", async () => {
    const response = await harness.app.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
