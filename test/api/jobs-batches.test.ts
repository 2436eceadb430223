/**
 * Batches over HTTP: a ZIP or TAR upload streamed to disk, unpacked in the background, every document
 * extracted; results read back as JSON Lines and CSV; refusals; cancellation.
 */
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_COLUMNS } from "../../src/jobs/results.js";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { buildTar, buildZip } from "../support/archives.js";
import { codePointSlice, type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";

const LEXICON = [
  { type: "place", text: "Bordeaux" },
  { type: "place", text: "Nîmes" },
];
const letter = (n: number) => `Lettre ${n}, écrite à ${n % 2 ? "Bordeaux" : "Nîmes"} le ${n} mars 1790.`;

let harness: Harness;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "batches-api-"));
  harness = await startHarness({
    server: { respond: lexiconModel(LEXICON) },
    env: { DATA_DIR: dataDir, MAX_ARCHIVE_BYTES: "200000" },
  });
});
afterAll(() => harness.close());

async function postBatch(
  archive: Buffer,
  how: { type?: string; query?: string; fields?: Record<string, string> } = {},
) {
  const request = how.type
    ? { headers: { "content-type": how.type }, payload: archive }
    : await multipartBody({ bytes: archive, filename: "batch.zip" }, how.fields ?? {});
  const response = await harness.app.inject({
    method: "POST",
    url: `/v1/batches${how.query ?? ""}`,
    ...request,
  });
  return { status: response.statusCode, location: response.headers.location, body: response.json() };
}

const get = (url: string) => harness.app.inject({ method: "GET", url });

describe("POST /v1/batches", () => {
  it("unpacks a ZIP, extracts every document, lists what it skipped, and streams results as JSONL and CSV", async () => {
    const zip = await buildZip([
      ...Array.from({ length: 6 }, (_, i) => ({ name: `lettres/${i + 1}.txt`, data: letter(i + 1) })),
      { name: ".DS_Store", data: "x" },
      { name: "lettres/vide.txt", data: "" },
    ]);
    const accepted = await postBatch(zip, { fields: { language: "fr" } });
    expect(accepted.status).toBe(202);
    expect(accepted.location).toBe(`/v1/batches/${accepted.body.id}`);
    expect(accepted.body).toMatchObject({ kind: "batch", state: "unpacking", language: "fr" });

    const settled = await harness.services.jobs.whenSettled(accepted.body.id);
    expect(settled?.state).toBe("done");
    const batch = (await get(accepted.location as string)).json();
    expect(batch).toMatchObject({
      progress: { documents: { total: 7, done: 6, failed: 1 }, skipped: 1 },
      skipped: [{ path: ".DS_Store", reason: "NOT_A_DOCUMENT" }],
    });
    // The upload is not kept once unpacked.
    expect(await readdir(join(dataDir, "uploads"))).toEqual([]);

    const jsonl = await get(`/v1/batches/${accepted.body.id}/results`);
    expect(jsonl.headers["content-type"]).toContain("application/jsonl");
    const lines = jsonl.body
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.path, line.status])).toEqual([
      ...Array.from({ length: 6 }, (_, i) => [`lettres/${i + 1}.txt`, "done"]),
      ["lettres/vide.txt", "failed"],
      [".DS_Store", "skipped"],
    ]);
    for (const line of lines.filter((l) => l.status === "done")) {
      const extraction = line.extraction as Extraction;
      expect(extraction.document.id).toBe(line.document);
      expect(extraction.entities).toHaveLength(1);
      for (const mention of extraction.entities)
        expect(codePointSlice(extraction.text, mention.start, mention.end)).toBe(mention.text);
    }
    expect(lines[6]).toMatchObject({ error: { code: "EMPTY_DOCUMENT" } });

    const csv = await get(`/v1/batches/${accepted.body.id}/results?format=csv`);
    expect(csv.headers["content-type"]).toContain("text/csv");
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(rows.map((row) => [row.path, row.status, row.text, row.error_code])).toEqual([
      ...Array.from({ length: 6 }, (_, i) => [
        `lettres/${i + 1}.txt`,
        "done",
        i % 2 ? "Nîmes" : "Bordeaux",
        "",
      ]),
      ["lettres/vide.txt", "failed", "", "EMPTY_DOCUMENT"],
      [".DS_Store", "skipped", "", "NOT_A_DOCUMENT"],
    ]);
    const first = lines[0].extraction.entities[0];
    expect(rows[0]).toMatchObject({ start: String(first.start), end: String(first.end), type: "place" });
  });

  it("takes the raw archive as the body, ZIP or gzip-compressed TAR, options in the query", async () => {
    const zip = await buildZip([{ name: "a.txt", data: letter(1) }]);
    const tgz = await buildTar([{ name: "b.txt", data: letter(2) }], { gzip: true });
    for (const [archive, type] of [
      [zip, "application/zip"],
      [tgz, "application/gzip"],
      [zip, "application/octet-stream"],
    ] as const) {
      const accepted = await postBatch(archive, { type, query: "?profile=default&language=fr" });
      expect(accepted.status).toBe(202);
      expect((await harness.services.jobs.whenSettled(accepted.body.id))?.state).toBe("done");
      const batch = (await get(`/v1/batches/${accepted.body.id}`)).json();
      expect(batch.progress.documents).toMatchObject({ total: 1, done: 1 });
    }
  });

  it("refuses what is not an archive (415), an archive over MAX_ARCHIVE_BYTES (413) and an unknown profile", async () => {
    expect(await postBatch(Buffer.from("not an archive at all"))).toMatchObject({
      status: 415,
      body: { error: { code: "UNSUPPORTED_MEDIA_TYPE" } },
    });
    const big = await buildZip([{ name: "big.txt", data: Buffer.alloc(300_000, 7), compress: false }]);
    for (const how of [{}, { type: "application/zip" }]) {
      const refused = await postBatch(big, how);
      expect(refused).toMatchObject({ status: 413, body: { error: { code: "PAYLOAD_TOO_LARGE" } } });
      expect(refused.body.error.message).toContain("MAX_ARCHIVE_BYTES");
    }
    const zip = await buildZip([{ name: "a.txt", data: letter(1) }]);
    expect((await postBatch(zip, { fields: { profile: "nonexistent" } })).status).toBe(404);
    expect(await readdir(join(dataDir, "uploads"))).toEqual([]);
  });

  it("fails a batch whose archive is a bomb, and keeps none of it", async () => {
    const bomb = await buildZip([{ name: "zeros.txt", data: Buffer.alloc(30 * 1024 * 1024) }]);
    const accepted = await postBatch(bomb);
    expect(accepted.status).toBe(202);
    const job = await harness.services.jobs.whenSettled(accepted.body.id);
    expect(job).toMatchObject({ state: "failed", error: { code: "ARCHIVE_LIMIT_EXCEEDED" } });
    expect((await get(`/v1/batches/${accepted.body.id}`)).json().progress.documents.total).toBe(0);
    expect(await readdir(join(dataDir, "uploads"))).toEqual([]);
  });
});
