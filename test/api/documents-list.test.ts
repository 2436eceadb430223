/**
 * GET /v1/documents over HTTP: the latest result of each document and profile, newest first, with the
 * figures of its Extraction and links that answer; paged by a cursor that new results do not disturb;
 * filtered by profile, media type and name; refusals.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { buildZip, type ZipMember } from "../support/archives.js";
import { type Harness, lexiconModel, settledBatch, startHarness } from "../support/harness.js";

const KANT_ALTO = join(
  import.meta.dirname,
  "../fixtures/formats/alto/ocrd-assets_kant_aufklaerung_1784_PAGE_0017_ALTO-v2.xml",
);

interface Listed {
  id: string;
  name: string;
  mediaType: string;
  pages: number;
  mentions: number;
  rejected: number;
  profile: string;
  createdAt: string;
  links: { self: string; entities: string; pages: string };
}
interface Page {
  documents: Listed[];
  next?: string;
  links: { next?: string };
}

const letter = (n: string) => `Lettre ${n}, écrite à Bordeaux le 2 mars 1790.`;

let harness: Harness;
beforeAll(async () => {
  // The invented place is in no document: every result has one rejected item.
  harness = await startHarness({
    server: {
      respond: lexiconModel([{ type: "place", text: "Bordeaux" }], [{ type: "place", text: "Atlantide" }]),
    },
  });
});
afterAll(() => harness.close());

const get = async (url: string) => {
  const response = await harness.app.inject({ method: "GET", url });
  return { status: response.statusCode, body: response.json() };
};
const list = async (query: string): Promise<Page> => {
  const response = await get(`/v1/documents?${query}`);
  expect(response.status).toBe(200);
  return response.body;
};

/** Queues a document and waits for its job; answers the document's id. */
async function documentJob(json: { text: string; filename: string; profile?: string; language?: string }) {
  const response = await harness.app.inject({ method: "POST", url: "/v1/documents", payload: json });
  expect(response.statusCode).toBe(202);
  const job = response.json();
  await harness.services.jobs.whenSettled(job.id);
  return job.document as string;
}

async function batchJob(members: ZipMember[], query = "") {
  await settledBatch(harness, await buildZip(members), query);
}

/** Follows `links.next` from `url` to the last page; answers every page. */
async function allPages(url: string): Promise<Page[]> {
  const pages = [];
  for (let next: string | undefined = url; next; ) {
    const page = await get(next);
    expect(page.status).toBe(200);
    pages.push(page.body);
    next = page.body.links.next;
  }
  return pages;
}

const entries = (pages: Page[]) => pages.flatMap((page) => page.documents);
const key = (entry: Listed) => `${entry.id} ${entry.profile}`;
const names = (pages: Page[]) => entries(pages).map((entry) => entry.name);

describe("GET /v1/documents", () => {
  it("lists the latest result of each document and profile, newest first, as its Extraction has it", async () => {
    const d = await documentJob({ text: letter("D"), filename: "lettre-d.txt", language: "fr" });
    const a = await documentJob({ text: letter("A"), filename: "lettre-a.txt" });
    await batchJob([
      { name: "lettres/1790/b.txt", data: letter("B") },
      { name: "lettres/c.txt", data: letter("C") },
    ]);
    await documentJob({ text: letter("A"), filename: "lettre-a.txt", profile: "baptism-record" });
    // Run again with the same profile under other settings: listed once, first, for its newer result.
    await documentJob({ text: letter("D"), filename: "lettre-d.txt", language: "de" });

    const listed = (await list("limit=5")).documents;
    const pairs = listed.map((entry) => `${entry.name} ${entry.profile}`);
    expect([pairs[0], pairs[1], pairs[4]]).toEqual([
      "lettre-d.txt default",
      "lettre-a.txt baptism-record",
      "lettre-a.txt default",
    ]);
    // The batch's entries finish in either order.
    expect(pairs.slice(2, 4).sort()).toEqual(["lettres/1790/b.txt default", "lettres/c.txt default"]);
    const all = entries(await allPages("/v1/documents?limit=200"));
    expect(all.filter((entry) => entry.id === d)).toHaveLength(1);
    expect(
      all
        .filter((entry) => entry.id === a)
        .map((entry) => entry.profile)
        .sort(),
    ).toEqual(["baptism-record", "default"]);
    const times = listed.map((entry) => Date.parse(entry.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    for (const entry of listed) {
      const extraction = (await get(entry.links.entities)).body as Extraction;
      expect(entry).toEqual({
        id: extraction.document.id,
        name: extraction.document.filename,
        mediaType: extraction.document.mediaType,
        pages: extraction.document.pages.length,
        mentions: extraction.entities.length,
        rejected: extraction.rejected.length,
        profile: extraction.profile.name,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        // Nobody reviewed it: every mention of its result is unreviewed.
        review: {
          state: "unreviewed",
          total: extraction.entities.length,
          unreviewed: extraction.entities.length,
          confirmed: 0,
          corrected: 0,
          added: 0,
          rejected: 0,
        },
        links: {
          self: `/v1/documents/${entry.id}`,
          entities: `/v1/documents/${entry.id}/entities?profile=${entry.profile}`,
          pages: `/v1/documents/${entry.id}/pages/1?profile=${entry.profile}`,
          record: `/v1/documents/${entry.id}/record?profile=${entry.profile}`,
        },
      });
      expect((await get(entry.links.self)).body.id).toBe(entry.id);
      const page = await get(entry.links.pages);
      expect(page.status).toBe(200);
      expect(page.body.page.number).toBe(1);
    }
    expect(listed.at(-1)).toMatchObject({ mediaType: "text/plain", pages: 1, mentions: 1, rejected: 1 });
  });

  it("pages by cursor with no document twice nor left out, while a document is added between pages", async () => {
    for (const n of ["1", "2", "3", "4"])
      await documentJob({ text: letter(`page ${n}`), filename: `page-${n}.txt` });
    const before = entries(await allPages("/v1/documents?limit=200")).map(key);

    const first = await list("limit=3");
    expect(first.documents.map(key)).toEqual(before.slice(0, 3));
    expect(first.links.next).toBe(`/v1/documents?limit=3&before=${first.next}`);
    const added = await documentJob({ text: letter("ajoutée entre deux pages"), filename: "ajout.txt" });
    const rest = await allPages(first.links.next as string);

    expect(entries([first, ...rest]).map(key)).toEqual(before);
    expect(entries(rest).map((entry) => entry.id)).not.toContain(added);
    const last = rest.at(-1);
    expect(last).not.toHaveProperty("next");
    expect(last?.links).toEqual({});
    expect((await list("limit=1")).documents.map((entry) => entry.id)).toEqual([added]);
  });

  it("filters by profile, media type and a substring of the name, and keeps the filters in links.next", async () => {
    await batchJob(
      [
        { name: "Registres_Baptêmes/1790%.txt", data: letter("baptême 1790") },
        { name: "Registres_Baptêmes/1791.txt", data: letter("baptême 1791") },
        { name: "RegistresX1790 5.txt", data: letter("registre sans baptême") },
      ],
      "?profile=baptism-record",
    );
    await batchJob([{ name: "alto/kant.xml", data: await readFile(KANT_ALTO) }]);

    const baptisms = entries(await allPages("/v1/documents?profile=baptism-record"));
    expect(new Set(baptisms.map((entry) => entry.profile))).toEqual(new Set(["baptism-record"]));
    expect(baptisms.map((entry) => entry.name)).toEqual(
      expect.arrayContaining([
        "Registres_Baptêmes/1790%.txt",
        "Registres_Baptêmes/1791.txt",
        "RegistresX1790 5.txt",
      ]),
    );
    expect(entries(await allPages("/v1/documents?profile=nobody"))).toEqual([]);

    const named = async (q: string) =>
      names(await allPages(`/v1/documents?q=${encodeURIComponent(q)}`)).sort();
    expect(await named("BAPTÊMES")).toEqual(["Registres_Baptêmes/1790%.txt", "Registres_Baptêmes/1791.txt"]);
    // Taken literally: neither _ nor % is a wildcard.
    expect(await named("s_")).toEqual(["Registres_Baptêmes/1790%.txt", "Registres_Baptêmes/1791.txt"]);
    expect(await named("0%")).toEqual(["Registres_Baptêmes/1790%.txt"]);
    expect(await named("LETTRES/1790/")).toEqual(["lettres/1790/b.txt"]);

    const first = await list("limit=1&profile=baptism-record&q=bapt%C3%AAmes");
    expect(first.links.next).toBe(
      `/v1/documents?limit=1&profile=baptism-record&q=bapt%C3%AAmes&before=${first.next}`,
    );
    expect(names([first, ...(await allPages(first.links.next as string))]).sort()).toEqual([
      "Registres_Baptêmes/1790%.txt",
      "Registres_Baptêmes/1791.txt",
    ]);

    const alto = entries(await allPages("/v1/documents?mediaType=application/alto%2Bxml"));
    expect(alto.map((entry) => [entry.name, entry.mediaType])).toEqual([
      ["alto/kant.xml", "application/alto+xml"],
    ]);
    const texts = entries(await allPages("/v1/documents?mediaType=text/plain&limit=200"));
    expect(new Set(texts.map((entry) => entry.mediaType))).toEqual(new Set(["text/plain"]));
    expect(texts.length).toBe(entries(await allPages("/v1/documents?limit=200")).length - 1);
  });
});

describe("refusals", () => {
  it.each([
    "/v1/documents?limit=0",
    "/v1/documents?limit=201",
    "/v1/documents?limit=ten",
    "/v1/documents?before=",
    "/v1/documents?before=not-a-cursor",
    "/v1/documents?before=0",
    "/v1/documents?profile=",
    "/v1/documents?q=",
    "/v1/documents?mediaType=pdf",
    // An unencoded + is a space in a query string.
    "/v1/documents?mediaType=application/alto+xml",
  ])("GET %s answers 400 BAD_REQUEST", async (url) => {
    expect(await get(url)).toMatchObject({
      status: 400,
      body: { error: { code: "BAD_REQUEST", message: expect.any(String), retryable: false } },
    });
  });

  it("is described in the OpenAPI document", async () => {
    const operation = (await get("/docs/json")).body.paths["/v1/documents"].get;
    expect(operation.tags).toEqual(["documents"]);
    expect(operation.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`)).toEqual([
      "query:limit",
      "query:before",
      "query:profile",
      "query:q",
      "query:mediaType",
      "query:review",
    ]);
  });
});
