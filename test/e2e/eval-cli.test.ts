/**
 * `palimpsest eval` as a user runs it: a real process, gold files on disk, a model server answering
 * the gold mentions of the passage each prompt carries (the fidelity benchmark's replaying model),
 * the report on stdout and in --out, and predictions the official HIPE scorer can read.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Replay, replayableGold } from "../../bench/replay.js";
import type { GoldFile } from "../../src/eval/gold.js";
import { parseHipeTsv } from "../../src/eval/hipe-tsv.js";
import { decodeIob } from "../../src/eval/iob.js";
import { parseGold } from "../../src/eval/read-gold.js";
import type { EvalReport } from "../../src/eval/report.js";
import { countDocument, summarize } from "../../src/eval/score.js";
import { BUILT_IN_TYPE_MAPS } from "../../src/eval/type-map.js";
import { documentSpans } from "../../src/eval/units.js";
import { runCli } from "../support/cli.js";
import { HIPE_2020 } from "../support/hipe.js";
import { startTgiTestServer, type TgiTestServer } from "../support/tgi-server.js";

let server: TgiTestServer;
let dir: string;
let hipePath: string;
let jsonlPath: string;
let replay: Replay | undefined;

/** The first documents of the French HIPE-2020 dev set, as a gold file of their own. */
async function hipeSubset(documents: number): Promise<string> {
  const lines = (await readFile(`${HIPE_2020}/HIPE-data-v1.4-dev-fr.tsv`, "utf8")).split("\n");
  const starts = lines.flatMap((line, i) => (line.startsWith("# language = ") ? [i] : []));
  return `${lines.slice(0, starts[documents]).join("\n").trimEnd()}\n`;
}

/** A mention of `needle` in `text`, in code points as the gold format counts. */
function mention(type: string, text: string, needle: string) {
  const start = [...text.slice(0, text.indexOf(needle))].length;
  return { type, start, end: start + [...needle].length };
}

const LETTER = "𝔊𝔬𝔱𝔱 🎉 Lettre écrite à Bordeaux par Jean Dupont.";
const ACT = "Baptême à Nîmes le 3 août 1792.";
const JSONL_GOLD = [
  {
    id: "lettre",
    language: "fr",
    text: LETTER,
    mentions: [mention("place", LETTER, "Bordeaux"), mention("person", LETTER, "Jean Dupont")],
  },
  {
    id: "acte",
    language: "fr",
    text: ACT,
    mentions: [mention("place", ACT, "Nîmes"), mention("date", ACT, "3 août 1792")],
  },
];

beforeAll(async () => {
  server = await startTgiTestServer({
    maxInputTokens: 1536,
    respond: (prompt) => replay?.respond(prompt) ?? '{"entities": []}',
  });
  dir = await mkdtemp(join(tmpdir(), "palimpsest-eval-"));
  hipePath = join(dir, "gold-fr.tsv");
  jsonlPath = join(dir, "gold.jsonl");
  await writeFile(hipePath, await hipeSubset(3));
  await writeFile(jsonlPath, JSONL_GOLD.map((d) => JSON.stringify(d)).join("\n"));
});
afterAll(async () => server.close());

const palimpsest = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { BLOOM_ENDPOINT_URL: server.url, ...env });

function replaying(file: GoldFile, map: keyof typeof BUILT_IN_TYPE_MAPS | "identity") {
  const labels =
    map === "identity"
      ? Object.fromEntries(file.documents.flatMap((d) => d.mentions.map((m) => [m.type, m.type])))
      : { ...BUILT_IN_TYPE_MAPS[map] };
  const typeMap = { name: map, labels };
  replay = new Replay([{ file: replayableGold(file, typeMap).file, map: typeMap }], "verbatim");
}

describe("palimpsest eval", () => {
  it("scores HIPE gold through the model server, prints the report and writes it with the predictions", async () => {
    const gold = parseHipeTsv(await readFile(hipePath, "utf8"), hipePath);
    replaying(gold, "hipe2020");
    const out = join(dir, "report");
    const result = await palimpsest(["eval", "--gold", hipePath, "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^# Evaluation report/);
    expect(result.stdout).toContain("| strict | 1.0000 | 1.0000 | 1.0000 |");

    const report = JSON.parse(await readFile(join(out, "report.json"), "utf8")) as EvalReport;
    expect(report.overall).toMatchObject({ documents: 3, micro: { strict: { f1: 1 }, fuzzy: { f1: 1 } } });
    expect(report.overall.gold).toBe(gold.documents.reduce((n, d) => n + d.mentions.length, 0));
    expect(report.files[0]).toMatchObject({ units: "tokens", typeMap: { name: "hipe2020" } });
    expect(await readFile(join(out, "report.md"), "utf8")).toBe(result.stdout);
    const results = (await readFile(join(out, "predictions.jsonl"), "utf8")).trimEnd().split("\n");
    expect(results.map((line) => JSON.parse(line).document.filename)).toEqual(
      gold.documents.map((d) => d.id),
    );

    // The predictions file has the gold's exact shape, and its tags score as the report says.
    const predicted = parseHipeTsv(
      await readFile(join(out, "gold-fr.predictions.tsv"), "utf8"),
      "predicted.tsv",
    );
    expect(predicted.documents.map((d) => d.tokens.map((t) => [t.text, t.cells.at(-1)]))).toEqual(
      gold.documents.map((d) => d.tokens.map((t) => [t.text, t.cells.at(-1)])),
    );
    const counts = gold.documents.map((document, i) =>
      countDocument(
        documentSpans(document, []).gold,
        decodeIob(
          (predicted.documents[i]?.tokens ?? []).filter((t) => !t.text.includes("#")).map((t) => t.tag),
        ),
      ),
    );
    expect(summarize(counts).micro).toEqual(report.overall.micro);
  });

  it("scores JSON Lines gold in code points, with the profile's own types", async () => {
    replaying(parseGold(await readFile(jsonlPath, "utf8"), jsonlPath), "identity");
    const out = join(dir, "jsonl");
    const result = await palimpsest(["eval", jsonlPath, "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(join(out, "report.json"), "utf8")) as EvalReport;
    expect(report.files[0]).toMatchObject({
      format: "jsonl",
      units: "code points",
      typeMap: { name: "identity" },
    });
    expect(report.overall.micro.strict).toMatchObject({ tp: 4, fp: 0, fn: 0 });
    expect(Object.keys(report.overall.byType)).toEqual(["date", "person", "place"]);
  });

  it("still reports when the model server fails, counting the lost documents as missed, and exits 4", async () => {
    const out = join(dir, "down");
    const result = await palimpsest(["eval", "--gold", jsonlPath, "--out", out], {
      BLOOM_ENDPOINT_URL: "http://127.0.0.1:9",
      MODEL_RETRIES: "0",
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("lettre");
    const report = JSON.parse(await readFile(join(out, "report.json"), "utf8")) as EvalReport;
    expect(report.failedDocuments).toBe(2);
    expect(report.documents[0]?.error?.code).toBe("ENDPOINT_UNREACHABLE");
    expect(report.overall.micro.strict).toMatchObject({ tp: 0, fn: 4 });
  });

  it("refuses unreadable gold with exit 3 naming file and line, and a missing file or no file with exit 2", async () => {
    const bad = join(dir, "bad.jsonl");
    await writeFile(bad, '{"text": "Paris", "mentions": [{"type": "place", "start": 0, "end": 9}]}\n');
    const invalid = await palimpsest(["eval", "--gold", bad]);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain("bad.jsonl, line 1: mention 1");
    expect((await palimpsest(["eval", "--gold", join(dir, "nowhere.tsv")])).code).toBe(2);
    expect((await palimpsest(["eval"])).code).toBe(2);
  });
});
