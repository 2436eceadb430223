/**
 * What a reviewed record changes elsewhere: every export of the document gives the corrected mentions
 * and says which a person confirmed, corrected or added (rejected ones left out), and so do its pages
 * and its job's results; a job's documents say how far their review is; and a job run again keeps the
 * corrections, its new result listed beside them with what differs.
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import type { ReviewRecord } from "../../src/schemas/review.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

const TEXT = "𝔊𝔬𝔱𝔱 — Jean Dupuy écrivit de Bordeaux à Pierre Martin, le 2 mars 1790.";
const FIRST_RUN = [
  { type: "person", text: "Jean Dupuy" },
  { type: "place", text: "Bordeaux" },
  { type: "person", text: "Pierre" },
  { type: "organization", text: "mars" },
];
/** What the model answers when the job runs again: the whole name now, no "mars", the place as an organization. */
const SECOND_RUN = [
  { type: "person", text: "Jean Dupuy" },
  { type: "organization", text: "Bordeaux" },
  { type: "person", text: "Pierre Martin" },
];

let lexicon = FIRST_RUN;
let harness: Harness;
let id: string;
let jobId: string;

const get = (url: string) => harness.app.inject({ method: "GET", url });
const record = async () => (await get(`/v1/documents/${id}/record`)).json() as ReviewRecord;
const codePoints = (needle: string) => {
  const start = Array.from(TEXT.slice(0, TEXT.indexOf(needle))).length;
  return { start, end: start + Array.from(needle).length };
};

async function correct(method: "PATCH" | "POST", path: string, body: object) {
  const { etag } = await record();
  const response = await harness.app.inject({
    method,
    url: `/v1/documents/${id}${path}`,
    payload: body,
    headers: { "if-match": etag },
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json() as ReviewRecord;
}

async function run(language: string) {
  const queued = await harness.app.inject({
    method: "POST",
    url: "/v1/documents",
    payload: { text: TEXT, language, filename: "lettre.txt" },
  });
  const job = queued.json() as { id: string; document: string };
  await harness.services.jobs.whenSettled(job.id);
  return job;
}

beforeAll(async () => {
  harness = await startHarness({ server: { respond: (prompt) => lexiconModel(lexicon)(prompt) } });
  const job = await run("fr");
  id = job.document;
  jobId = job.id;
  const byText = (current: ReviewRecord, text: string) => current.mentions.find((m) => m.text === text)?.id;
  const start = await record();
  await correct("PATCH", `/mentions/${byText(start, "Jean Dupuy")}`, { review: "confirmed" });
  await correct("PATCH", `/mentions/${byText(start, "Pierre")}`, codePoints("Pierre Martin"));
  await correct("PATCH", `/mentions/${byText(start, "mars")}`, { review: "rejected" });
  await correct("POST", "/mentions", { type: "date", ...codePoints("2 mars 1790") });
});
afterAll(() => harness.close());

/** [text, review] of each exported mention. */
const EXPORTED = [
  ["Jean Dupuy", "confirmed"],
  ["Bordeaux", "unreviewed"],
  ["Pierre Martin", "corrected"],
  ["2 mars 1790", "added"],
];

describe("exports of a reviewed document", () => {
  it("JSON: the record's mentions with their review state, rejected ones out, and its revision", async () => {
    const served = (await get(`/v1/documents/${id}/entities`)).json() as Extraction;
    expect(served.entities.map((m) => [m.text, m.review])).toEqual(EXPORTED);
    expect(served.review).toMatchObject({ revision: 4 });
    expect(served.text).toBe(TEXT);
    const outline = (await get(`/v1/documents/${id}/entities?text=false`)).json() as Extraction;
    expect(outline.entities.map((m) => m.text)).toEqual(EXPORTED.map(([text]) => text));
  });

  it("CSV: a review column", async () => {
    const csv = await get(`/v1/documents/${id}/entities?format=csv`);
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.text, row.review])).toEqual(EXPORTED);
    const start = codePoints("Pierre Martin").start;
    expect(rows[2]).toMatchObject({ start: String(start), end: String(start + 13), type: "person" });
  });

  it("JSON Lines: each mention with its review", async () => {
    const jsonl = await get(`/v1/documents/${id}/entities?format=jsonl`);
    const rows = jsonl.body
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { text: string; review: string });
    expect(rows.map((row) => [row.text, row.review])).toEqual(EXPORTED);
  });

  it("Web Annotation: an assessing body says what a person did", async () => {
    const webanno = (await get(`/v1/documents/${id}/entities?format=webanno`)).json() as {
      first: {
        items: { body: { purpose: string; value: string }[]; target: { selector: { exact?: string }[] } }[];
      };
    };
    const items = webanno.first.items.map((item) => [
      item.target.selector[1]?.exact,
      item.body.find((body) => body.purpose === "assessing")?.value,
    ]);
    expect(items).toEqual(EXPORTED);
  });

  it("HIPE TSV: the corrected boundaries, the added date, no rejected mention", async () => {
    const tsv = (await get(`/v1/documents/${id}/entities?format=hipe-tsv`)).body;
    const tags = tsv
      .split("\n")
      .filter((line) => line.includes("\t") && !line.startsWith("TOKEN"))
      .map((line) => line.split("\t").slice(0, 2).join(" "));
    expect(tags).toEqual(
      expect.arrayContaining(["Pierre B-person", "Martin I-person", "2 B-date", "mars I-date"]),
    );
  });

  it("a page of the document, and its job's results, give the record too", async () => {
    const page = (await get(`/v1/documents/${id}/pages/1`)).json() as Extraction;
    expect(page.entities.map((m) => [m.text, m.review])).toEqual(EXPORTED);
    const results = (await get(`/v1/jobs/${jobId}/results`)).body.trimEnd().split("\n");
    const line = JSON.parse(results[0] as string) as { extraction: Extraction };
    expect(line.extraction.entities.map((m) => [m.text, m.review])).toEqual(EXPORTED);
    const csv = parse((await get(`/v1/jobs/${jobId}/results?format=csv`)).body, { columns: true }) as Record<
      string,
      string
    >[];
    expect(csv.map((row) => [row.text, row.review])).toEqual(EXPORTED);
  });

  it("the model's result stays as it was, and another document's export has no review column", async () => {
    const original = (await get(`/v1/documents/${id}/record/original`)).json() as Extraction;
    expect(original.entities.map((m) => m.text)).toEqual(["Jean Dupuy", "Bordeaux", "Pierre", "mars"]);
    expect(original.entities.every((m) => m.review === undefined)).toBe(true);
    const other = await harness.app.inject({
      method: "POST",
      url: "/v1/extract?format=csv",
      payload: { text: "Jean Dupuy à Bordeaux." },
    });
    expect(other.body.split("\r\n")[0]).not.toContain("review");
  });
});

describe("a job's documents", () => {
  it("say how far each document's review is, and add it up for the job", async () => {
    const listed = (await get(`/v1/jobs/${jobId}/documents`)).json() as {
      documents: { review?: ReviewRecord["progress"]; links: { record?: string } }[];
      review: ReviewRecord["progress"];
    };
    const expected = {
      state: "in-progress",
      total: 5,
      unreviewed: 1,
      confirmed: 1,
      corrected: 1,
      added: 1,
      rejected: 1,
    };
    expect(listed.documents[0]?.review).toEqual(expected);
    expect(listed.documents[0]?.links.record).toBe(`/v1/documents/${id}/record?profile=default`);
    expect(listed.review).toEqual({
      ...expected,
      documents: { unreviewed: 0, "in-progress": 1, reviewed: 0 },
    });
  });
});

describe("a job run again", () => {
  it("keeps the corrections, and lists its new result's differences from the record's", async () => {
    const before = await record();
    lexicon = SECOND_RUN;
    await run("en");
    const after = await record();
    expect(after.revision).toBe(before.revision);
    expect(after.mentions).toEqual(before.mentions);
    expect(after.result.id).toBe(before.result.id);
    const newer = after.newerResult;
    expect(newer?.id).toBeGreaterThan(before.result.id);
    const differences = newer?.differences.map((d) => [
      d.kind,
      d.before?.text,
      d.before?.type,
      d.after?.text,
      d.after?.type,
    ]);
    expect(differences).toEqual([
      ["changed", "Bordeaux", "place", "Bordeaux", "organization"],
      ["removed", "Pierre", "person", undefined, undefined],
      ["added", undefined, undefined, "Pierre Martin", "person"],
      ["removed", "mars", "organization", undefined, undefined],
    ]);
    // The document's exports are still the record's, and corrections go on from its ETag.
    const served = (await get(`/v1/documents/${id}/entities`)).json() as Extraction;
    expect(served.entities.map((m) => [m.text, m.review])).toEqual(EXPORTED);
    const next = await correct("PATCH", `/mentions/${after.mentions[1]?.id}`, { review: "confirmed" });
    expect(next.revision).toBe(before.revision + 1);
    expect(next.newerResult?.id).toBe(newer?.id);
  });
});
