/**
 * Tenants: the same bytes uploaded by two tenants are two documents as far as each can tell (its own
 * job, name, result, listing and deletion); nothing of one is reachable with the other's key.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildZip } from "../support/archives.js";
import { addKey, bearer } from "../support/auth.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

const letter = "Acte passé à Bordeaux le 2 mars 1790, devant Maître Dupré.";

describe("two tenants with the same bytes", () => {
  let harness: Harness;
  let lyon: string;
  let nantes: string;

  const get = async (key: string, url: string) => {
    const response = await harness.app.inject({ url, headers: bearer(key) });
    const json = String(response.headers["content-type"]).includes("json");
    return { status: response.statusCode, body: json ? response.json() : response.body };
  };
  const upload = async (key: string, filename: string) => {
    const response = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: bearer(key),
      payload: { text: letter, filename },
    });
    expect(response.statusCode).toBe(202);
    const job = response.json() as { id: string; document: string };
    await harness.services.jobs.whenSettled(job.id);
    return job;
  };
  const blobExists = (id: string) =>
    access(join(harness.services.config.dataDir, "documents", id.slice(0, 2), id)).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    harness = await startHarness({
      server: { respond: lexiconModel([{ type: "place", text: "Bordeaux" }]) },
    });
    lyon = (await addKey(harness.services.store, "admin", "lyon")).key;
    nantes = (await addKey(harness.services.store, "admin", "nantes")).key;
  });
  afterAll(() => harness.close());

  it("gives each its own view, and deleting for one leaves the other's", async () => {
    const a = await upload(lyon, "lyon.txt");
    const b = await upload(nantes, "nantes.txt");
    expect(a.document).toBe(b.document);
    const id = a.document;

    // Each lists its own document under its own name, and only its own jobs.
    const names = async (key: string) =>
      (await get(key, "/v1/documents")).body.documents.map((d: { name: string }) => d.name);
    expect([await names(lyon), await names(nantes)]).toEqual([["lyon.txt"], ["nantes.txt"]]);
    const jobs = async (key: string) =>
      (await get(key, "/v1/jobs")).body.jobs.map((j: { id: string }) => j.id);
    expect([await jobs(lyon), await jobs(nantes)]).toEqual([[a.id], [b.id]]);
    expect((await get(nantes, `/v1/documents/${id}/entities`)).body.document.filename).toBe("nantes.txt");

    // Nothing of one is reachable with the other's key, whatever the route.
    for (const url of [
      `/v1/jobs/${a.id}`,
      `/v1/jobs/${a.id}/events`,
      `/v1/jobs/${a.id}/results?format=csv`,
    ]) {
      expect([url, (await get(nantes, url)).status]).toEqual([url, 404]);
    }

    const deleted = await harness.app.inject({
      method: "DELETE",
      url: `/v1/documents/${id}`,
      headers: bearer(lyon),
    });
    expect(deleted.statusCode).toBe(204);
    expect((await get(lyon, `/v1/documents/${id}`)).status).toBe(404);
    expect(await names(lyon)).toEqual([]);
    const kept = await get(nantes, `/v1/documents/${id}/pages/1`);
    expect([kept.status, kept.body.text]).toEqual([200, letter]);
    expect(await blobExists(id)).toBe(true);

    const last = await harness.app.inject({
      method: "DELETE",
      url: `/v1/documents/${id}`,
      headers: bearer(nantes),
    });
    expect(last.statusCode).toBe(204);
    expect(await blobExists(id)).toBe(false);
  });

  it("keeps a batch its tenant's: progress, entries and results", async () => {
    const posted = await harness.app.inject({
      method: "POST",
      url: "/v1/batches",
      headers: { ...bearer(lyon), "content-type": "application/zip" },
      payload: await buildZip([{ name: "acte.txt", data: letter }]),
    });
    const batch = posted.json() as { id: string };
    await harness.services.jobs.whenSettled(batch.id);
    expect((await get(lyon, `/v1/batches/${batch.id}/results`)).status).toBe(200);
    for (const url of [
      `/v1/batches/${batch.id}`,
      `/v1/batches/${batch.id}/results`,
      `/v1/jobs/${batch.id}/documents`,
    ])
      expect([url, (await get(nantes, url)).status]).toEqual([url, 404]);
    const cancel = await harness.app.inject({
      method: "POST",
      url: `/v1/jobs/${batch.id}/cancel`,
      headers: bearer(nantes),
    });
    expect(cancel.statusCode).toBe(404);
  });
});
