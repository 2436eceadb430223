/**
 * Listing jobs and their documents over HTTP: GET /v1/jobs newest first, paged by a cursor that new
 * jobs do not disturb, filtered by kind and state; the name of document and batch jobs; GET
 * /v1/jobs/:id/documents in source order, paged and filtered; refusals.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobKind, JobState } from "../../src/store/port.js";
import { buildTar, buildZip } from "../support/archives.js";
import { type Harness, lexiconModel, settledBatch, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";

const letter = (n: number | string) => `Lettre ${n}, écrite à Bordeaux le 2 mars 1790.`;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ server: { respond: lexiconModel([{ type: "place", text: "Bordeaux" }]) } });
});
afterAll(() => harness.close());

const get = async (url: string) => {
  const response = await harness.app.inject({ method: "GET", url });
  return { status: response.statusCode, body: response.json() };
};

/** Queues a document (JSON, or a body with its headers) and waits for its job to settle; answers the 202's body. */
async function documentJob(
  payload: object | { payload: Buffer; headers: Record<string, string> },
  url = "/v1/documents",
) {
  const request = "headers" in payload ? payload : { payload };
  const response = await harness.app.inject({ method: "POST", url, ...request });
  expect(response.statusCode).toBe(202);
  const body = response.json();
  await harness.services.jobs.whenSettled(body.id);
  return body;
}

async function batchJob(archive: Buffer, how: { filename?: string; query?: string } = {}) {
  if (!how.filename) return settledBatch(harness, archive, how.query);
  return documentJob(
    await multipartBody({ bytes: archive, filename: how.filename }),
    `/v1/batches${how.query ?? ""}`,
  );
}

/** Follows `links.next` from `url` to the last page; answers every page. */
async function allPages(url: string) {
  const pages = [];
  for (let next: string | undefined = url; next; ) {
    const page = await get(next);
    expect(page.status).toBe(200);
    pages.push(page.body);
    next = page.body.links.next;
  }
  return pages;
}

const ids = (page: { jobs: { id: string }[] }) => page.jobs.map((job) => job.id);

describe("GET /v1/jobs", () => {
  it("lists jobs newest first, each as GET /v1/jobs/:id shows it", async () => {
    const created = [];
    for (const n of [1, 2, 3]) created.push(await documentJob({ text: letter(`ordre ${n}`) }));
    const listed = (await get("/v1/jobs?limit=3")).body;
    expect(ids(listed)).toEqual(created.map((job) => job.id).reverse());
    for (const view of listed.jobs) {
      const single = (await get(`/v1/jobs/${view.id}`)).body;
      // The rate moves with the clock between the two requests; everything else is the same.
      expect(view).toEqual({ ...single, progress: { ...single.progress, rate: expect.any(Number) } });
    }
  });

  it("pages by cursor with no job twice nor left out, while a job is created between pages", async () => {
    for (const n of [1, 2, 3, 4]) await documentJob({ text: letter(`page ${n}`) });
    const before = ids((await get("/v1/jobs?limit=200")).body);

    const first = (await get("/v1/jobs?limit=3")).body;
    expect(ids(first)).toEqual(before.slice(0, 3));
    expect(first.links.next).toBe(`/v1/jobs?limit=3&before=${encodeURIComponent(first.next)}`);
    const added = await documentJob({ text: letter("ajoutée entre deux pages") });
    const rest = await allPages(first.links.next);

    const paged = [first, ...rest].flatMap(ids);
    expect(paged).toEqual(before);
    expect(paged).not.toContain(added.id);
    const last = rest.at(-1);
    expect(last).not.toHaveProperty("next");
    expect(last.links).toEqual({});
    expect(ids((await get("/v1/jobs?limit=1")).body)).toEqual([added.id]);
  });

  it("filters by kind and state, and keeps the filters in links.next", async () => {
    const document = await documentJob({ text: letter("filtre") });
    const batch = await batchJob(await buildZip([{ name: "a.txt", data: letter("filtre lot") }]));
    const cancelled = { id: randomUUID(), kind: "cli" as const, state: "cancelled" as const };
    await harness.services.store.createJob({
      ...cancelled,
      spec: { profile: "default" },
      createdAt: Date.now(),
    });

    const listed = async (query: string) => (await get(`/v1/jobs?limit=200&${query}`)).body.jobs;
    const only = (jobs: { kind: JobKind; state: JobState }[], kind?: JobKind, state?: JobState) => {
      for (const job of jobs) {
        if (kind) expect(job.kind).toBe(kind);
        if (state) expect(job.state).toBe(state);
      }
      return jobs.map((job) => (job as unknown as { id: string }).id);
    };
    expect(only(await listed("kind=batch"), "batch")).toEqual([batch.id]);
    expect(only(await listed("kind=cli"), "cli")).toEqual([cancelled.id]);
    expect(only(await listed("state=cancelled"), undefined, "cancelled")).toEqual([cancelled.id]);
    const documents = only(await listed("kind=document&state=done"), "document", "done");
    expect(documents).toContain(document.id);
    expect(documents).not.toContain(batch.id);

    const first = (await get("/v1/jobs?limit=1&kind=document&state=done")).body;
    expect(first.links.next).toMatch(/^\/v1\/jobs\?limit=1&kind=document&state=done&before=/);
    const pages = await allPages(first.links.next);
    expect([first, ...pages].flatMap(ids)).toEqual(documents);
  });

  it("answers 50 jobs by default and up to 200 when asked", async () => {
    for (let n = 0; n < 60; n++)
      await harness.services.store.createJob({
        id: randomUUID(),
        kind: "cli",
        state: "done",
        spec: { profile: "default" },
        createdAt: Date.now(),
      });
    const page = (await get("/v1/jobs")).body;
    expect(page.jobs).toHaveLength(50);
    expect(page.links.next).toBe(`/v1/jobs?limit=50&before=${encodeURIComponent(page.next)}`);
    expect((await get("/v1/jobs?limit=200")).body.jobs.length).toBeGreaterThan(60);
  });
});

describe("a job's name", () => {
  const nameOf = async (id: string) => (await get(`/v1/jobs/${id}`)).body.name;

  it("is the uploaded file's name for a document job, and 'document' when it had none", async () => {
    const named = await documentJob({ text: letter("nommée"), filename: "lettre-1790.txt" });
    expect(named.name).toBe("lettre-1790.txt");
    expect(await nameOf(named.id)).toBe("lettre-1790.txt");
    const uploaded = await documentJob(
      await multipartBody({
        bytes: Buffer.from(letter("envoyée")),
        filename: "envoi.txt",
        type: "text/plain",
      }),
    );
    expect(await nameOf(uploaded.id)).toBe("envoi.txt");
    const raw = await documentJob(
      { payload: Buffer.from(letter("brute")), headers: { "content-type": "text/plain" } },
      "/v1/documents?filename=brute.txt",
    );
    expect(await nameOf(raw.id)).toBe("brute.txt");
    expect(await nameOf((await documentJob({ text: letter("anonyme") })).id)).toBe("document");
  });

  it("is the archive's file name for a batch, from multipart or the query, and absent otherwise", async () => {
    const zip = await buildZip([{ name: "a.txt", data: letter("archive") }]);
    const multipart = await batchJob(zip, { filename: "registres-1790.zip" });
    expect(multipart.name).toBe("registres-1790.zip");
    expect(await nameOf(multipart.id)).toBe("registres-1790.zip");
    expect((await get(`/v1/batches/${multipart.id}`)).body.name).toBe("registres-1790.zip");

    const tgz = await buildTar([{ name: "b.txt", data: letter("tar") }], { gzip: true });
    const raw = await batchJob(tgz, { query: "?filename=fonds%20Dupuy.tar.gz" });
    expect(await nameOf(raw.id)).toBe("fonds Dupuy.tar.gz");

    const anonymous = await batchJob(zip);
    expect(anonymous).not.toHaveProperty("name");
    expect((await get(`/v1/jobs/${anonymous.id}`)).body).not.toHaveProperty("name");
    const listed = (await get("/v1/jobs?limit=3")).body.jobs;
    expect(listed.map((job: { name?: string }) => job.name)).toEqual([
      undefined,
      "fonds Dupuy.tar.gz",
      "registres-1790.zip",
    ]);
  });
});

describe("GET /v1/jobs/:id/documents", () => {
  let batch: { id: string; profile: string };
  beforeAll(async () => {
    const zip = await buildZip([
      ...Array.from({ length: 5 }, (_, i) => ({
        name: `lettres/${i + 1}.txt`,
        data: letter(`lot ${i + 1}`),
      })),
      { name: "lettres/vide.txt", data: "" },
      { name: ".DS_Store", data: "x" },
    ]);
    batch = await batchJob(zip, { query: "?profile=default" });
  });

  it("lists the documents in source order, page after page, with their figures and links", async () => {
    const first = (await get(`/v1/jobs/${batch.id}/documents?limit=2`)).body;
    expect(first.next).toBe(first.documents[1].task);
    expect(first.links.next).toBe(`/v1/jobs/${batch.id}/documents?limit=2&after=${first.next}`);
    const pages = [first, ...(await allPages(first.links.next))];
    expect(pages.map((page) => page.documents.length)).toEqual([2, 2, 2]);
    expect(pages.at(-1)).not.toHaveProperty("next");
    const documents = pages.flatMap((page) => page.documents);
    expect(documents.map((d) => d.path)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `lettres/${i + 1}.txt`),
      "lettres/vide.txt",
    ]);
    const tasks = documents.map((d) => d.task);
    expect(tasks).toEqual([...tasks].sort((a, b) => a - b));
    expect(new Set(tasks).size).toBe(6);

    const done = documents[0];
    expect(done).toEqual({
      task: expect.any(Number),
      path: "lettres/1.txt",
      document: expect.stringMatching(/^[0-9a-f]{64}$/),
      state: "done",
      attempts: 1,
      pages: 1,
      chunks: 1,
      modelCalls: expect.any(Number),
      reused: false,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      links: {
        entities: `/v1/documents/${done.document}/entities?profile=default`,
        document: `/v1/documents/${done.document}`,
        record: `/v1/documents/${done.document}/record?profile=default`,
      },
    });
    const entities = await get(done.links.entities);
    expect(entities.status).toBe(200);
    expect(entities.body.entities.map((m: { text: string }) => m.text)).toEqual(["Bordeaux"]);
    expect((await get(done.links.document)).body.id).toBe(done.document);
  });

  it("shows only the documents in one state when asked: the failures with their errors", async () => {
    const failed = (await get(`/v1/jobs/${batch.id}/documents?state=failed`)).body;
    expect(failed.documents).toEqual([
      expect.objectContaining({
        path: "lettres/vide.txt",
        state: "failed",
        error: expect.objectContaining({ code: "EMPTY_DOCUMENT" }),
      }),
    ]);
    expect(failed).not.toHaveProperty("next");
    const done = (await get(`/v1/jobs/${batch.id}/documents?state=done&limit=4`)).body;
    expect(done.documents.map((d: { state: string }) => d.state)).toEqual(["done", "done", "done", "done"]);
    expect(done.links.next).toBe(`/v1/jobs/${batch.id}/documents?limit=4&state=done&after=${done.next}`);
    expect((await get(done.links.next)).body.documents.map((d: { path: string }) => d.path)).toEqual([
      "lettres/5.txt",
    ]);
  });

  it("lists a document job's one document under its file name", async () => {
    const job = await documentJob({ text: letter("seule"), filename: "seule.txt" });
    const listed = (await get(`/v1/jobs/${job.id}/documents`)).body;
    expect(listed.documents).toEqual([
      expect.objectContaining({ path: "seule.txt", document: job.document }),
    ]);
    expect(job.links.documents).toBe(`/v1/jobs/${job.id}/documents`);
  });
});

describe("refusals", () => {
  it.each([
    "/v1/jobs?limit=0",
    "/v1/jobs?limit=201",
    "/v1/jobs?limit=ten",
    "/v1/jobs?kind=robot",
    "/v1/jobs?state=sleeping",
    "/v1/jobs?before=not-a-cursor",
    "/v1/jobs?before=",
    "/v1/jobs/any/documents?after=-1",
    "/v1/jobs/any/documents?limit=500",
    "/v1/jobs/any/documents?state=unpacking",
  ])("GET %s answers 400 BAD_REQUEST", async (url) => {
    expect(await get(url)).toMatchObject({
      status: 400,
      body: { error: { code: "BAD_REQUEST", message: expect.any(String), retryable: false } },
    });
  });

  it("GET /v1/jobs/:id/documents of an unknown job answers 404 NOT_FOUND", async () => {
    expect(await get("/v1/jobs/nope/documents")).toMatchObject({
      status: 404,
      body: { error: { code: "NOT_FOUND" } },
    });
  });

  it("describes both listings in the OpenAPI document", async () => {
    const paths = (await get("/docs/json")).body.paths;
    const parameters = (path: string) =>
      paths[path].get.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`);
    expect(parameters("/v1/jobs")).toEqual(["query:limit", "query:before", "query:kind", "query:state"]);
    expect(parameters("/v1/jobs/{id}/documents")).toEqual([
      "query:limit",
      "query:after",
      "query:state",
      "path:id",
    ]);
  });
});
