/**
 * Asynchronous documents: POST /v1/documents and large POST /v1/extract answer 202 with a job; the job's
 * progress, live events, result and cancellation; an unchanged document costs no model call again.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

const LEXICON = [
  { type: "place", text: "Bordeaux" },
  { type: "person", text: "Jean Dupuy" },
];
const TEXT = "Jean Dupuy écrivit de Bordeaux le 2 mars 1790 à son frère.";

let harness: Harness;
const generations = () => harness.server.received.filter((r) => r.path === "/").length;

beforeAll(async () => {
  harness = await startHarness({
    server: { respond: lexiconModel(LEXICON) },
    env: { DATA_DIR: await mkdtemp(join(tmpdir(), "jobs-api-")), EXTRACT_SYNC_MAX_BYTES: "2000" },
  });
});
afterAll(() => harness.close());

async function submit(payload: object, url = "/v1/documents") {
  const response = await harness.app.inject({ method: "POST", url, payload });
  return { status: response.statusCode, location: response.headers.location, body: response.json() };
}

const get = async (url: string) => {
  const response = await harness.app.inject({ method: "GET", url });
  return { status: response.statusCode, body: response.json(), text: response.body };
};

describe("POST /v1/documents", () => {
  it("answers 202 with a job whose result is what /v1/extract answers", async () => {
    const accepted = await submit({ text: TEXT, language: "fr", filename: "lettre.txt" });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      kind: "document",
      state: "running",
      profile: "default",
      language: "fr",
    });
    expect(accepted.location).toBe(`/v1/jobs/${accepted.body.id}`);

    await harness.services.jobs.whenSettled(accepted.body.id);
    const job = (await get(accepted.location as string)).body;
    expect(job).toMatchObject({
      state: "done",
      progress: { documents: { total: 1, done: 1, failed: 0 }, pages: 1, chunks: 1, etaSeconds: 0 },
    });
    expect(job.progress.modelCalls).toBeGreaterThan(0);

    const stored = await get(job.links.entities);
    expect(stored.status).toBe(200);
    const direct = (await submit({ text: TEXT, language: "fr", filename: "lettre.txt" }, "/v1/extract")).body;
    const result = stored.body as Extraction;
    expect(result.entities).toEqual((direct as Extraction).entities);
    expect(result.document).toEqual((direct as Extraction).document);
    expect(result.entities.map((m) => m.text)).toEqual(["Jean Dupuy", "Bordeaux"]);

    const document = (await get(`/v1/documents/${job.document}`)).body;
    expect(document).toMatchObject({
      id: job.document,
      results: [{ profile: "default", pages: 1, chunks: 1 }],
    });
  });

  it("reuses the result of unchanged bytes in a new job, without a model call", async () => {
    const first = await submit({ text: `${TEXT} Première.`, language: "fr" });
    await harness.services.jobs.whenSettled(first.body.id);
    const calls = generations();
    const again = await submit({ text: `${TEXT} Première.`, language: "fr" });
    await harness.services.jobs.whenSettled(again.body.id);
    expect(generations()).toBe(calls);
    expect((await get(`/v1/jobs/${again.body.id}`)).body.progress).toMatchObject({
      documents: { done: 1 },
      reused: 1,
      modelCalls: 0,
    });
  });

  it("records a refused document as a failed task with its error code", async () => {
    const accepted = await submit({ text: "   " });
    const job = await harness.services.jobs.whenSettled(accepted.body.id);
    expect(job?.state).toBe("done");
    const lines = (await get(`/v1/jobs/${accepted.body.id}/results`)).text.trim().split("\n");
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        status: "failed",
        error: expect.objectContaining({ code: "EMPTY_DOCUMENT" }),
      }),
    ]);
  });

  it("refuses an unknown profile at once, before any job exists", async () => {
    const refused = await submit({ text: TEXT, profile: "nonexistent" });
    expect(refused).toMatchObject({ status: 404, body: { error: { code: "UNKNOWN_PROFILE" } } });
  });
});

describe("POST /v1/extract with a large document", () => {
  it("answers 202 with a job over EXTRACT_SYNC_MAX_BYTES, and 200 with the result under it", async () => {
    const large = `${TEXT}\n\n`.repeat(40);
    const accepted = await submit({ text: large }, "/v1/extract");
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ kind: "document", links: { self: accepted.location } });
    const job = await harness.services.jobs.whenSettled(accepted.body.id);
    expect(job?.state).toBe("done");
    const result = (await get(`/v1/documents/${accepted.body.document}/entities`)).body as Extraction;
    expect(result.entities.length).toBe(80);
    expect((await submit({ text: TEXT }, "/v1/extract")).status).toBe(200);
  });
});

describe("GET /v1/jobs/:id/events", () => {
  it("streams progress as Server-Sent Events and ends when the job is done", async () => {
    const accepted = await submit({ text: `${TEXT} Événements.` });
    const response = await harness.app.inject({ method: "GET", url: `/v1/jobs/${accepted.body.id}/events` });
    expect(response.headers["content-type"]).toContain("text/event-stream");
    const events = response.body
      .trim()
      .split("\n\n")
      .filter((block) => block.startsWith("event:"))
      .map((block) => {
        const [event, data] = block.split("\n");
        return {
          event: event?.slice("event: ".length),
          data: JSON.parse(data?.slice("data: ".length) ?? ""),
        };
      });
    expect(events.at(0)?.event).toBe("progress");
    expect(events.at(-1)).toMatchObject({ event: "end", data: { id: accepted.body.id, state: "done" } });
    expect(events.at(-1)?.data.progress.documents.done).toBe(1);
  });
});

describe("unknown jobs and documents", () => {
  it.each([
    ["GET", "/v1/jobs/nope"],
    ["GET", "/v1/jobs/nope/events"],
    ["GET", "/v1/jobs/nope/results"],
    ["POST", "/v1/jobs/nope/cancel"],
    ["GET", "/v1/documents/nope"],
    ["GET", "/v1/documents/nope/entities"],
    ["GET", "/v1/batches/nope"],
  ] as const)("%s %s answers 404 NOT_FOUND", async (method, url) => {
    const response = await harness.app.inject({ method, url });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
