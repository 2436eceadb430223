/**
 * The Accept header asks for an export wherever `?format=` does (POST /v1/extract, GET
 * /v1/documents/:id/entities, a job's and a batch's results); the query wins when both are given;
 * an Accept that no format satisfies is 406 NOT_ACCEPTABLE before any work.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildZip } from "../support/archives.js";
import { type Harness, lexiconModel, settledBatch, startHarness } from "../support/harness.js";

const TEXT = "Le 3 mai, Jean Dupuy partit de Genève pour Lyon.";
const LEXICON = [
  { type: "person", text: "Jean Dupuy" },
  { type: "place", text: "Genève" },
  { type: "place", text: "Lyon" },
];

describe("content negotiation", () => {
  let harness: Harness;
  let documentId: string;
  const modelCalls = () =>
    harness.server.received.filter((r) => r.path === "/" || r.path === "/generate").length;
  const extract = (accept: string | undefined, query = "") =>
    harness.app.inject({
      method: "POST",
      url: `/v1/extract${query}`,
      headers: accept === undefined ? {} : { accept },
      payload: { text: TEXT, language: "fr" },
    });
  const entities = (accept: string, query = "") =>
    harness.app.inject({
      method: "GET",
      url: `/v1/documents/${documentId}/entities${query}`,
      headers: { accept },
    });

  beforeAll(async () => {
    harness = await startHarness({ server: { respond: lexiconModel(LEXICON) } });
    // A stored result, for the route that serves one.
    const queued = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      payload: { text: TEXT },
    });
    await harness.services.jobs.whenSettled(queued.json().id);
    documentId = queued.json().document;
  });
  afterAll(() => harness.close());

  it.each([
    [undefined, "application/json; charset=utf-8"],
    ["*/*", "application/json; charset=utf-8"],
    ["application/*", "application/json; charset=utf-8"],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json; charset=utf-8"],
    ["text/csv", "text/csv; charset=utf-8; header=present"],
    ["application/x-ndjson", "application/x-ndjson; charset=utf-8"],
    ["application/jsonl", "application/jsonl; charset=utf-8"],
    ["text/tab-separated-values", "text/tab-separated-values; charset=utf-8"],
    ["application/ld+json", 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'],
    ["application/json;q=0, text/csv;q=0.5", "text/csv; charset=utf-8; header=present"],
  ])("POST /v1/extract with Accept: %s answers %s", async (accept, type) => {
    const response = await extract(accept);
    expect([response.statusCode, response.headers["content-type"]]).toEqual([200, type]);
    expect(response.headers.vary).toMatch(/accept/i);
    expect(response.body).toContain("Dupuy");
  });

  it("renders the export asked for: one mention a line, rows, tokens, annotations", async () => {
    const lines = (await extract("application/x-ndjson")).body.trim().split("\n");
    expect(lines.map((line) => JSON.parse(line).text)).toEqual(["Jean Dupuy", "Genève", "Lyon"]);
    expect((await extract("text/csv")).headers["content-disposition"]).toMatch(
      /^attachment; filename="\w+\.csv"/,
    );
    expect((await extract("text/tab-separated-values")).body).toMatch(/^# /m);
    expect(JSON.parse((await extract("application/ld+json")).body)).toHaveProperty("@context");
  });

  it("lets ?format= win over Accept", async () => {
    const json = await extract("text/csv", "?format=json");
    expect([json.headers["content-type"], json.json().entities.length]).toEqual([
      "application/json; charset=utf-8",
      3,
    ]);
    const csv = await extract("application/json", "?format=csv");
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8; header=present");
    // Even an Accept nothing satisfies: the query says what is wanted.
    expect((await extract("image/png", "?format=jsonl")).statusCode).toBe(200);
  });

  it("refuses an Accept no format satisfies with 406, saying what can be served, before asking the model", async () => {
    const before = modelCalls();
    for (const accept of ["application/xml", "image/*", "*/*;q=0", "text/csv;charset=iso-8859-1"]) {
      const response = await extract(accept);
      expect(response.statusCode, accept).toBe(406);
      const { error } = response.json();
      expect(error).toMatchObject({ code: "NOT_ACCEPTABLE", retryable: false });
      expect(error.message).toContain("application/json, application/jsonl, application/x-ndjson, text/csv");
      expect(error.message).toContain("?format=");
      expect(error.accept).toEqual(expect.arrayContaining(["application/json", "text/tab-separated-values"]));
    }
    expect(modelCalls()).toBe(before);
  });

  it("negotiates a stored result the same way", async () => {
    const csv = await entities("text/csv;q=0.9, application/json;q=0.1");
    expect([csv.statusCode, csv.headers["content-type"]]).toEqual([
      200,
      "text/csv; charset=utf-8; header=present",
    ]);
    expect(csv.body).toBe((await entities("application/json", "?format=csv")).body);
    expect((await entities("application/json")).json().document.id).toBe(documentId);
    expect((await entities("application/json", "?format=jsonl")).headers["content-type"]).toBe(
      "application/jsonl; charset=utf-8",
    );
    const refused = await entities("image/png");
    expect([refused.statusCode, refused.json().error.code]).toEqual([406, "NOT_ACCEPTABLE"]);
  });

  it("negotiates a job's and a batch's results: JSON Lines or CSV", async () => {
    const archive = await buildZip([{ name: "a.txt", data: TEXT }]);
    const batch = await settledBatch(harness, archive);
    for (const path of [`/v1/batches/${batch.id}/results`, `/v1/jobs/${batch.id}/results`]) {
      const get = (accept: string, query = "") =>
        harness.app.inject({ method: "GET", url: `${path}${query}`, headers: { accept } });
      expect((await get("*/*")).headers["content-type"]).toBe("application/jsonl; charset=utf-8");
      expect(JSON.parse((await get("application/x-ndjson")).body.split("\n")[0] ?? "")).toMatchObject({
        path: "a.txt",
        status: "done",
      });
      expect((await get("application/x-ndjson")).headers["content-type"]).toBe(
        "application/x-ndjson; charset=utf-8",
      );
      expect((await get("text/csv")).headers["content-type"]).toBe("text/csv; charset=utf-8; header=present");
      expect((await get("text/csv", "?format=jsonl")).headers["content-type"]).toBe(
        "application/jsonl; charset=utf-8",
      );
      const refused = await get("application/json");
      expect([refused.statusCode, refused.json().error.code]).toEqual([406, "NOT_ACCEPTABLE"]);
      expect(refused.json().error.message).toContain("application/jsonl, application/x-ndjson, text/csv");
    }
  });
});
