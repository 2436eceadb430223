/**
 * Deleting over HTTP: DELETE /v1/documents/:id takes a document's results and bytes away (every route
 * that served it answers 404, finished jobs list one document less), DELETE /v1/jobs/:id a finished job
 * (its documents stay) with the archive its upload left; both refuse, with a code of their own, while a
 * job that has not finished is at work.
 */
import { access, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobRecord } from "../../src/store/port.js";
import { buildZip } from "../support/archives.js";
import { type Harness, lexiconModel, settledBatch, startHarness } from "../support/harness.js";

const letter = (n: string) => `Acte ${n}, passé à Bordeaux le 2 mars 1790.`;
const model = lexiconModel([{ type: "place", text: "Bordeaux" }]);

const request = (harness: Harness, method: "GET" | "POST" | "DELETE", url: string) =>
  harness.app.inject({ method, url });

/** Queues a document (JSON) and, unless told not to, waits for its job; answers the job's view. */
async function documentJob(harness: Harness, json: object, settle = true) {
  const response = await harness.app.inject({ method: "POST", url: "/v1/documents", payload: json });
  expect(response.statusCode).toBe(202);
  const job = response.json();
  if (settle) await harness.services.jobs.whenSettled(job.id);
  return job as { id: string; document: string };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const blobPath = (harness: Harness, id: string) =>
  join(harness.services.config.dataDir, "documents", id.slice(0, 2), id);

describe("deleting what was stored", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ server: { respond: model } });
  });
  afterAll(() => harness.close());

  const get = async (url: string) => {
    const response = await request(harness, "GET", url);
    return { status: response.statusCode, body: response.json() };
  };
  const listedIds = async () =>
    (await get("/v1/documents?limit=200")).body.documents.map((entry: { id: string }) => entry.id);

  async function batchJob(members: { name: string; data: string }[]) {
    const { id } = await settledBatch(harness, await buildZip(members));
    const tasks = (await get(`/v1/jobs/${id}/documents`)).body.documents as {
      path: string;
      document: string;
    }[];
    return { id, documents: Object.fromEntries(tasks.map((task) => [task.path, task.document])) };
  }

  it("DELETE /v1/documents/:id removes its results for every profile and its bytes; what served it answers 404", async () => {
    const job = await documentJob(harness, { text: letter("de baptême"), filename: "acte.txt" });
    await documentJob(harness, {
      text: letter("de baptême"),
      filename: "acte.txt",
      profile: "baptism-record",
    });
    const id = job.document;
    expect(await listedIds()).toContain(id);
    expect(await exists(blobPath(harness, id))).toBe(true);

    const deleted = await request(harness, "DELETE", `/v1/documents/${id}`);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe("");

    for (const url of ["", "/entities", "/entities?profile=baptism-record", "/pages/1", "/pages/1/image"]) {
      const response = await get(`/v1/documents/${id}${url}`);
      expect([url, response.status, response.body.error.code]).toEqual([url, 404, "NOT_FOUND"]);
    }
    expect(await listedIds()).not.toContain(id);
    expect(await exists(blobPath(harness, id))).toBe(false);
    // Its document job, which was there for it alone, goes with it.
    expect((await get(`/v1/jobs/${job.id}`)).status).toBe(404);

    const again = await request(harness, "DELETE", `/v1/documents/${id}`);
    expect([again.statusCode, again.json().error.code]).toEqual([404, "NOT_FOUND"]);
  });

  it("takes a deleted document out of the finished batches that held it", async () => {
    const batch = await batchJob([
      { name: "a.txt", data: letter("A") },
      { name: "b.txt", data: letter("B") },
    ]);
    expect((await request(harness, "DELETE", `/v1/documents/${batch.documents["a.txt"]}`)).statusCode).toBe(
      204,
    );

    const view = (await get(`/v1/batches/${batch.id}`)).body;
    expect([view.state, view.progress.documents.total, view.progress.documents.done]).toEqual(["done", 1, 1]);
    const listed = (await get(`/v1/jobs/${batch.id}/documents`)).body.documents;
    expect(listed.map((task: { path: string }) => task.path)).toEqual(["b.txt"]);
    const results = (await request(harness, "GET", `/v1/jobs/${batch.id}/results`)).body.trim().split("\n");
    expect(results.map((line) => JSON.parse(line).path)).toEqual(["b.txt"]);
  });

  it("DELETE /v1/jobs/:id removes a finished batch and keeps its documents and their results", async () => {
    const batch = await batchJob([{ name: "c.txt", data: letter("C") }]);
    const document = batch.documents["c.txt"] as string;

    const deleted = await request(harness, "DELETE", `/v1/jobs/${batch.id}`);
    expect([deleted.statusCode, deleted.body]).toEqual([204, ""]);
    for (const url of [`/v1/jobs/${batch.id}`, `/v1/batches/${batch.id}`, `/v1/jobs/${batch.id}/documents`])
      expect((await get(url)).status).toBe(404);
    const jobs = (await get("/v1/jobs?limit=200")).body.jobs.map((job: { id: string }) => job.id);
    expect(jobs).not.toContain(batch.id);

    expect((await get(`/v1/documents/${document}`)).status).toBe(200);
    expect((await get(`/v1/documents/${document}/entities`)).body.entities).toHaveLength(1);
    expect(await listedIds()).toContain(document);
    expect(await exists(blobPath(harness, document))).toBe(true);

    const again = await request(harness, "DELETE", `/v1/jobs/${batch.id}`);
    expect([again.statusCode, again.json().error.code]).toEqual([404, "NOT_FOUND"]);
  });

  it("removes the archive a batch's upload left under DATA_DIR, never a CLI batch's own file", async () => {
    const uploads = join(harness.services.config.dataDir, "uploads");
    await mkdir(uploads, { recursive: true });
    // As when the process stopped between unpacking the archive and deleting it.
    const finished = async (kind: JobRecord["kind"], file: string) => {
      await writeFile(file, "PK");
      const id = `${kind}-${Date.now()}`;
      await harness.services.store.createJob({
        id,
        kind,
        state: "done",
        spec: { profile: "default", source: { kind: "archive", path: file } },
        createdAt: Date.now(),
        finishedAt: Date.now(),
      });
      expect((await request(harness, "DELETE", `/v1/jobs/${id}`)).statusCode).toBe(204);
    };
    await finished("batch", join(uploads, "left-over"));
    expect(await exists(join(uploads, "left-over"))).toBe(false);
    const own = join(harness.services.config.dataDir, "archives.zip");
    await finished("cli", own);
    expect(await exists(own)).toBe(true);
  });

  it.each(["/v1/jobs/nope", "/v1/documents/nope"])("DELETE %s answers 404 NOT_FOUND", async (url) => {
    const response = await request(harness, "DELETE", url);
    expect([response.statusCode, response.json().error.code]).toEqual([404, "NOT_FOUND"]);
  });

  it("describes both in the OpenAPI document", async () => {
    const { paths } = (await get("/docs/json")).body;
    expect(paths["/v1/jobs/{id}"].delete).toMatchObject({ tags: ["jobs"], summary: expect.any(String) });
    expect(paths["/v1/documents/{id}"].delete).toMatchObject({ tags: ["documents"] });
  });
});

describe("deleting while a job is at work", () => {
  let harness: Harness;
  beforeAll(async () => {
    // The model takes 10 s to answer: the job is still running when the deletions are asked.
    harness = await startHarness({
      server: { latencyMs: 10_000, respond: model },
      env: { SHUTDOWN_GRACE_MS: "0" },
    });
  });
  afterAll(() => harness.close());

  it("refuses with 409 JOB_ACTIVE and DOCUMENT_IN_USE until the job is cancelled and stopped", async () => {
    const job = await documentJob(harness, { text: letter("en cours") }, false);

    const deleteJob = await request(harness, "DELETE", `/v1/jobs/${job.id}`);
    expect(deleteJob.statusCode).toBe(409);
    expect(deleteJob.json().error).toMatchObject({ code: "JOB_ACTIVE", retryable: true });
    expect(deleteJob.json().error.message).toContain(`POST /v1/jobs/${job.id}/cancel`);

    const deleteDocument = await request(harness, "DELETE", `/v1/documents/${job.document}`);
    expect(deleteDocument.statusCode).toBe(409);
    expect(deleteDocument.json().error).toMatchObject({ code: "DOCUMENT_IN_USE", job: job.id });
    expect(deleteDocument.json().error.message).toContain(`job ${job.id}`);
    expect((await request(harness, "GET", `/v1/documents/${job.document}`)).statusCode).toBe(200);

    expect((await request(harness, "POST", `/v1/jobs/${job.id}/cancel`)).statusCode).toBe(200);
    await harness.services.jobs.whenSettled(job.id);
    expect((await request(harness, "DELETE", `/v1/jobs/${job.id}`)).statusCode).toBe(204);
    expect((await request(harness, "DELETE", `/v1/documents/${job.document}`)).statusCode).toBe(204);
    expect(await exists(blobPath(harness, job.document))).toBe(false);
  });
});
