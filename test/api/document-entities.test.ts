/**
 * GET /v1/documents/:id/entities with `format` (the exports of POST /v1/extract?format=, from the
 * same code, with a file name to save them under) and `text=false` (the result without its text,
 * for clients that read the text page by page).
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";

const LEXICON = [
  { type: "place", text: "Bordeaux" },
  { type: "person", text: "Jean Dupuy" },
];
const TEXT = "Jean Dupuy écrivit de Bordeaux le 2 mars 1790 à son frère.";
const FILENAME = "lettres/Lettre d’Aix (1790).txt";

let harness: Harness;
let id: string;

async function queue(payload: Buffer, headers: Record<string, string>): Promise<string> {
  const response = await harness.app.inject({ method: "POST", url: "/v1/documents", payload, headers });
  const job = response.json() as { id: string; document: string };
  await harness.services.jobs.whenSettled(job.id);
  return job.document;
}

beforeAll(async () => {
  harness = await startHarness({ server: { respond: lexiconModel(LEXICON) } });
  const { payload, headers } = await multipartBody(
    { bytes: Buffer.from(TEXT), filename: FILENAME },
    { language: "fr" },
  );
  id = await queue(payload, headers);
});
afterAll(() => harness.close());

const get = (url: string) => harness.app.inject({ method: "GET", url });

describe("GET /v1/documents/:id/entities?format=", () => {
  it("answers the result as JSON by default, with its text", async () => {
    for (const url of [
      `/v1/documents/${id}/entities`,
      `/v1/documents/${id}/entities?format=json&text=true`,
    ]) {
      const response = await get(url);
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(response.headers["content-disposition"]).toBeUndefined();
      const result = response.json() as Extraction;
      expect(result.text).toBe(TEXT);
      expect(result.entities.map((m) => m.text)).toEqual(["Jean Dupuy", "Bordeaux"]);
    }
  });

  it("leaves the text out with text=false, and keeps the rest as it is", async () => {
    const whole = (await get(`/v1/documents/${id}/entities`)).json() as Extraction;
    const response = await get(`/v1/documents/${id}/entities?text=false`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    const outline = response.json() as Partial<Extraction>;
    expect(outline).not.toHaveProperty("text");
    const { text: _, ...rest } = whole;
    expect(outline).toEqual(rest);
  });

  it("renders each export with its content type, and names the file after the document", async () => {
    const csv = await get(`/v1/documents/${id}/entities?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8; header=present");
    // The stored name's last part; its ASCII form for every client, the exact one for those that read it.
    expect(csv.headers["content-disposition"]).toBe(
      `attachment; filename="Lettre d_Aix (1790).txt.csv"; filename*=UTF-8''Lettre%20d%E2%80%99Aix%20%281790%29.txt.csv`,
    );
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.type, row.text, row.start])).toEqual([
      ["person", "Jean Dupuy", "0"],
      ["place", "Bordeaux", "22"],
    ]);

    const jsonl = await get(`/v1/documents/${id}/entities?format=jsonl&text=false`);
    expect(jsonl.headers["content-type"]).toBe("application/jsonl; charset=utf-8");
    expect(jsonl.headers["content-disposition"]).toContain('filename="Lettre d_Aix (1790).txt.jsonl"');
    expect(jsonl.body.trimEnd().split("\n")).toHaveLength(2);

    const tsv = await get(`/v1/documents/${id}/entities?format=hipe-tsv`);
    expect(tsv.headers["content-type"]).toBe("text/tab-separated-values; charset=utf-8");
    expect(tsv.headers["content-disposition"]).toContain(".txt.tsv");

    const webanno = await get(`/v1/documents/${id}/entities?format=webanno`);
    expect(webanno.headers["content-type"]).toBe(
      'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    );
    expect(webanno.json()).toMatchObject({ type: "AnnotationCollection", total: 2 });
  });

  it("answers what POST /v1/extract?format= answers for the same document", async () => {
    const payload = { text: `${TEXT} Bis.`, language: "fr", filename: "bis.txt" };
    const direct = await harness.app.inject({ method: "POST", url: "/v1/extract?format=csv", payload });
    const queued = await queue(Buffer.from(JSON.stringify(payload)), { "content-type": "application/json" });
    const stored = await get(`/v1/documents/${queued}/entities?format=csv`);
    expect(stored.body).toBe(direct.body);
    for (const header of ["content-type", "content-disposition"])
      expect(stored.headers[header]).toBe(direct.headers[header]);
    expect(direct.headers["content-disposition"]).toContain('filename="bis.txt.csv"');
  });

  it("names an export after the document's id when it has no file name", async () => {
    const payload = { text: `${TEXT} Ter.`, language: "fr" };
    const direct = await harness.app.inject({ method: "POST", url: "/v1/extract?format=jsonl", payload });
    const { document } = JSON.parse(direct.body.split("\n")[0] ?? "{}") as { document?: string };
    expect(document).toMatch(/^[0-9a-f]{64}$/);
    expect(direct.headers["content-disposition"]).toBe(
      `attachment; filename="${document}.jsonl"; filename*=UTF-8''${document}.jsonl`,
    );
  });

  it("lists its options in the OpenAPI description", async () => {
    const spec = (await get("/docs/json")).json() as {
      paths: Record<
        string,
        { get?: { parameters?: { name: string; schema?: { enum?: string[]; type?: string } }[] } }
      >;
    };
    const parameters = spec.paths["/v1/documents/{id}/entities"]?.get?.parameters ?? [];
    expect(parameters.find((p) => p.name === "format")?.schema?.enum).toEqual([
      "json",
      "jsonl",
      "csv",
      "hipe-tsv",
      "webanno",
      "tei",
      "alto",
      "page",
      "iiif",
    ]);
    expect(parameters.find((p) => p.name === "text")?.schema?.type).toBe("boolean");
    expect(parameters.find((p) => p.name === "labels")?.schema?.enum).toContain("hipe2020");
    const post = (spec.paths["/v1/extract"] as { post?: { parameters?: { name: string }[] } } | undefined)
      ?.post;
    expect(post?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(["fuzzy", "maxEditRatio", "nearMisses", "labels"]),
    );
  });

  it("writes HIPE TSV with a HIPE tag set's labels when asked", async () => {
    const tsv = await get(`/v1/documents/${id}/entities?format=hipe-tsv&labels=hipe2020`);
    const tags = tsv.body
      .split("\n")
      .map((line) => line.split("\t")[1])
      .filter((tag) => tag?.startsWith("B-"));
    expect(tags).toEqual(["B-pers", "B-loc"]);
    expect((await get(`/v1/documents/${id}/entities?format=hipe-tsv&labels=nope`)).statusCode).toBe(400);
  });

  it("grounds a queued document with the alignment policy its request asked for", async () => {
    // The model reads "Metz" where the letter says "Mets": a near miss, rejected unless flagged.
    const own = await startHarness({
      server: { respond: () => JSON.stringify({ entities: [{ type: "place", text: "Metz" }] }) },
    });
    try {
      const grounded = async (options: object) => {
        const payload = JSON.stringify({ text: "Écrit à Mets.", language: "fr", ...options });
        const response = await own.app.inject({
          method: "POST",
          url: "/v1/documents",
          payload,
          headers: { "content-type": "application/json" },
        });
        const job = response.json() as { id: string; document: string };
        await own.services.jobs.whenSettled(job.id);
        const latest = await own.app.inject({ url: `/v1/documents/${job.document}/entities` });
        return latest.json() as Extraction;
      };
      expect((await grounded({})).rejected.map((r) => r.reason)).toEqual(["too_different"]);
      const flagged = await grounded({ nearMisses: "flag" });
      expect(flagged.entities).toEqual([expect.objectContaining({ text: "Mets", nearMiss: true })]);
    } finally {
      await own.close();
    }
  });

  it("refuses an unknown format with 400, and keeps 404 in the catalogue's JSON shape", async () => {
    const unknown = await get(`/v1/documents/${id}/entities?format=xlsx`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    const missing = await get("/v1/documents/nope/entities?format=csv");
    expect(missing.statusCode).toBe(404);
    expect(missing.headers["content-type"]).toMatch(/^application\/json/);
    expect(missing.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
