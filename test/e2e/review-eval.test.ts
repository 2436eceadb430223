/**
 * A reviewed record as gold: a person corrects the model's result through the API (a boundary one word
 * short, an invented name, a missed date), the document's exports are written to files, and
 * `palimpsest eval --gold` scores the same model against them: the corrections count as its errors.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvalReport } from "../../src/eval/report.js";
import type { ReviewRecord } from "../../src/schemas/review.js";
import { runCli } from "../support/cli.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

const TEXT = "𝔄 Jean Dupuy écrivit de Bordeaux à Pierre Martin, le 2 mars 1790. Il revint à Paris.";
const LEXICON = [
  { type: "person", text: "Jean Dupuy" },
  { type: "place", text: "Bordeaux" },
  { type: "person", text: "Pierre" },
  { type: "person", text: "Il" },
  { type: "place", text: "Paris" },
];

let harness: Harness;
let dir: string;
let id: string;
let jobId: string;

const codePoints = (needle: string) => {
  const start = Array.from(TEXT.slice(0, TEXT.indexOf(needle))).length;
  return { start, end: start + Array.from(needle).length };
};

async function correct(method: "PATCH" | "POST", path: string, body: object) {
  const { etag } = (
    await harness.app.inject({ method: "GET", url: `/v1/documents/${id}/record` })
  ).json() as ReviewRecord;
  const response = await harness.app.inject({
    method,
    url: `/v1/documents/${id}${path}`,
    payload: body,
    headers: { "if-match": etag },
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json() as ReviewRecord;
}

const exported = async (url: string) => (await harness.app.inject({ method: "GET", url })).body;

/** Runs `palimpsest eval` on a gold file against the same model server; answers the report. */
async function evaluate(gold: string, content: string) {
  const path = join(dir, gold);
  await writeFile(path, content);
  const out = join(dir, `${gold}.report`);
  const run = await runCli(["eval", "--gold", path, "--type-map", "identity", "--out", out], {
    BLOOM_ENDPOINT_URL: harness.server.url,
    DATA_DIR: dir,
  });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(await readFile(join(out, "report.json"), "utf8")) as EvalReport;
}

beforeAll(async () => {
  harness = await startHarness({ server: { respond: lexiconModel(LEXICON) } });
  dir = await mkdtemp(join(tmpdir(), "review-eval-"));
  const queued = await harness.app.inject({
    method: "POST",
    url: "/v1/documents",
    payload: { text: TEXT, language: "fr", filename: "lettre.txt" },
  });
  const job = queued.json() as { id: string; document: string };
  await harness.services.jobs.whenSettled(job.id);
  id = job.document;
  jobId = job.id;
  const record = (
    await harness.app.inject({ method: "GET", url: `/v1/documents/${id}/record` })
  ).json() as ReviewRecord;
  const byText = (text: string) => record.mentions.find((m) => m.text === text)?.id as string;
  await correct("PATCH", `/mentions/${byText("Pierre")}`, codePoints("Pierre Martin"));
  await correct("PATCH", `/mentions/${byText("Il")}`, { review: "rejected" });
  await correct("POST", "/mentions", {
    type: "date",
    ...codePoints("2 mars 1790"),
    attributes: { value: "1790-03-02" },
  });
  const reviewed = await correct("POST", "/record/confirm", {});
  expect(reviewed.progress.state).toBe("reviewed");
}, 60_000);
afterAll(() => harness.close());

describe("a reviewed record as gold for palimpsest eval", () => {
  // The model found Jean Dupuy, Bordeaux and Paris; "Pierre" is one word short, "Il" no person, and
  // it missed the date: strictly 3 right, 2 wrong, 2 missed; the short name overlaps its correction.
  const expected = {
    strict: { tp: 3, fp: 2, fn: 2, precision: 0.6, recall: 0.6 },
    fuzzy: { tp: 4, fp: 1, fn: 1 },
  };

  it("scores the model against the document's JSON, one line", async () => {
    const report = await evaluate("record.jsonl", await exported(`/v1/documents/${id}/entities`));
    expect(report.files[0]).toMatchObject({ format: "jsonl", documents: 1, gold: 5 });
    expect(report.overall.micro).toMatchObject(expected);
    expect(report.documents[0]).toMatchObject({ id: "lettre.txt", language: "fr" });
  }, 60_000);

  it("scores it against the job's results in JSON Lines", async () => {
    const report = await evaluate("results.jsonl", await exported(`/v1/jobs/${jobId}/results`));
    expect(report.overall.micro).toMatchObject(expected);
  }, 60_000);

  it("scores it against the HIPE TSV export, in tokens", async () => {
    const report = await evaluate(
      "record.tsv",
      await exported(`/v1/documents/${id}/entities?format=hipe-tsv`),
    );
    expect(report.files[0]).toMatchObject({ format: "hipe-tsv", units: "tokens", gold: 5 });
    expect(report.overall.micro.strict).toMatchObject(expected.strict);
  }, 60_000);

  it("refuses the mention-per-line export, which has no text, saying what to use", async () => {
    const path = join(dir, "mentions.jsonl");
    await writeFile(path, await exported(`/v1/documents/${id}/entities?format=jsonl`));
    const run = await runCli(["eval", "--gold", path], {
      BLOOM_ENDPOINT_URL: harness.server.url,
      DATA_DIR: dir,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("mentions.jsonl, line 1: this is one mention of a mention-per-line export");
  }, 60_000);
});
