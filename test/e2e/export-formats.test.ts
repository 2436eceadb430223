/**
 * Exports from the API (`POST /v1/extract?format=`) and the CLI (`extract --format`): the right
 * content type, a body the format's readers take, errors kept in the catalogue's JSON shape, and an
 * unknown format refused before the model is asked.
 */
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it } from "vitest";
import { parseHipeTsv } from "../../src/eval/hipe-tsv.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { startTgiTestServer } from "../support/tgi-server.js";

const LEXICON = [
  { type: "place", text: "Bordeaux" },
  { type: "person", text: "Jean Dupont" },
];
const TEXT = "𝔊𝔬𝔱𝔱 🎉 Lettre écrite à Bordeaux, par Jean Dupont.";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function extractAs(format: string, payload: unknown = { text: TEXT, language: "fr" }) {
  harness ??= await startHarness({ server: { respond: lexiconModel(LEXICON) } });
  return harness.app.inject({
    method: "POST",
    url: `/v1/extract?format=${format}`,
    payload: payload as object,
  });
}

describe("POST /v1/extract?format=", () => {
  it("answers CSV, with its content type", async () => {
    const response = await extractAs("csv");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8; header=present");
    const rows = parse(response.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.type, r.text, r.start, r.end])).toEqual([
      ["place", "Bordeaux", "23", "31"],
      ["person", "Jean Dupont", "37", "48"],
    ]);
  });

  it("answers JSON Lines, HIPE TSV and Web Annotation JSON-LD, each with its content type", async () => {
    const jsonl = await extractAs("jsonl");
    expect(jsonl.headers["content-type"]).toBe("application/jsonl; charset=utf-8");
    expect(
      jsonl.body
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line).text),
    ).toEqual(["Bordeaux", "Jean Dupont"]);

    const tsv = await extractAs("hipe-tsv");
    expect(tsv.headers["content-type"]).toBe("text/tab-separated-values; charset=utf-8");
    const [document] = parseHipeTsv(tsv.body, "answer.tsv").documents;
    expect(document?.mentions.map((m) => [m.type, m.text])).toEqual([
      ["place", "Bordeaux"],
      ["person", "Jean Dupont"],
    ]);

    const webanno = await extractAs("webanno");
    expect(webanno.headers["content-type"]).toBe(
      'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    );
    expect(webanno.json()).toMatchObject({ type: "AnnotationCollection", total: 2 });
  });

  it("leaves the answer as it is for json, and keeps errors in the catalogue's JSON shape", async () => {
    const json = await extractAs("json");
    expect(json.headers["content-type"]).toMatch(/^application\/json/);
    expect(json.json()).toMatchObject({ entities: [{ text: "Bordeaux" }, { text: "Jean Dupont" }] });
    const empty = await extractAs("csv", { text: "   " });
    expect(empty.statusCode).toBe(400);
    expect(empty.headers["content-type"]).toMatch(/^application\/json/);
    expect(empty.json()).toMatchObject({ error: { code: "EMPTY_DOCUMENT" } });
  });

  it("refuses an unknown format with 400 before asking the model, and lists the formats in the OpenAPI description", async () => {
    const response = await extractAs("xlsx");
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    expect(harness?.server.received.filter((r) => r.path === "/" || r.path === "/generate")).toEqual([]);
    const spec = (await harness?.app.inject({ method: "GET", url: "/docs/json" }))?.json() as {
      paths: Record<string, { post?: { parameters?: { name: string; schema?: { enum?: string[] } }[] } }>;
    };
    const format = spec.paths["/v1/extract"]?.post?.parameters?.find((p) => p.name === "format");
    expect(format?.schema?.enum).toEqual([
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
  });
});

describe("palimpsest extract --format", () => {
  const run = promisify(execFile);

  it("writes one export of all files, and refuses an unknown format with exit 2", async () => {
    const server = await startTgiTestServer({ respond: lexiconModel(LEXICON) });
    try {
      const dir = await mkdtemp(join(tmpdir(), "palimpsest-export-"));
      await writeFile(join(dir, "a.txt"), TEXT);
      await writeFile(join(dir, "b.txt"), "Jean Dupont quitta Bordeaux.");
      const env = { ...process.env, BLOOM_ENDPOINT_URL: server.url, LOG_LEVEL: "silent" };
      const cli = (...args: string[]) =>
        run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "extract", ...args], { env });
      const { stdout } = await cli(
        join(dir, "a.txt"),
        join(dir, "b.txt"),
        "--format",
        "hipe-tsv",
        "--language",
        "fr",
      );
      const file = parseHipeTsv(stdout, "stdout.tsv");
      expect(file.documents.map((d) => [d.id, d.mentions.length])).toEqual([
        ["a.txt", 2],
        ["b.txt", 2],
      ]);
      const hipe = await cli(join(dir, "b.txt"), "--format", "hipe-tsv", "--labels", "hipe2020");
      expect(
        parseHipeTsv(hipe.stdout, "hipe.tsv")
          .documents[0]?.mentions.map((m) => m.type)
          .sort(),
      ).toEqual(["loc", "pers"]);
      await expect(cli(join(dir, "a.txt"), "--format", "xlsx")).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining("--format must be json or one of jsonl, csv, hipe-tsv, webanno"),
      });
    } finally {
      await server.close();
    }
  });
});
