/**
 * `palimpsest batch` end to end, as a user runs it: 120 documents in a ZIP (with entries to skip and a
 * nested archive) through the TGI test server; the endpoint kept saturated without a 429; results read
 * back as JSONL and CSV; a re-run that costs no model call; a folder and a list of files.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { buildZip } from "../support/archives.js";
import { runCli } from "../support/cli.js";
import { codePointSlice, lexiconModel } from "../support/harness.js";
import { startTgiTestServer, type TgiTestServer } from "../support/tgi-server.js";

const DOCUMENTS = 120;

let server: TgiTestServer;
let work: string;
beforeAll(async () => {
  server = await startTgiTestServer({
    latencyMs: 20,
    maxConcurrentRequests: 4,
    respond: lexiconModel([
      { type: "place", text: "Bordeaux" },
      { type: "person", text: "Marie Curval" },
    ]),
  });
  work = await mkdtemp(join(tmpdir(), "batch-cli-"));
});
afterAll(() => server.close());

const generations = () => server.received.filter((r) => r.path === "/").length;
const letter = (n: number) => `Lettre ${n} de Marie Curval, écrite à Bordeaux le ${(n % 28) + 1} mars 1790.`;

const palimpsest = (args: string[], dataDir: string) =>
  runCli(args, { BLOOM_ENDPOINT_URL: server.url, DATA_DIR: dataDir });

describe("palimpsest batch", () => {
  it("extracts 120 documents of a ZIP at the endpoint's full concurrency, without a 429, and resumes for free", async () => {
    const dataDir = join(work, "zip-data");
    const archive = join(work, "lettres.zip");
    const nested = await buildZip([{ name: "annexe.txt", data: letter(999) }]);
    await writeFile(
      archive,
      await buildZip([
        ...Array.from({ length: DOCUMENTS }, (_, i) => ({
          name: `lettres/${String(i).padStart(3, "0")}.txt`,
          data: letter(i),
        })),
        { name: "annexes.zip", data: nested },
        { name: "Thumbs.db", data: "x" },
      ]),
    );
    const out = join(work, "results.jsonl");
    const before = generations();
    const first = await palimpsest(["batch", archive, "--out", out, "--concurrency", "4"], dataDir);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`${DOCUMENTS + 1} documents: ${DOCUMENTS + 1} done`);
    expect(first.stderr).toContain("Thumbs.db: NOT_A_DOCUMENT");
    expect(generations() - before).toBe(DOCUMENTS + 1);
    // Saturated, never over: the server saw 4 generations at once, and no call was retried (no 429).
    expect(server.maxInFlight).toBe(4);

    const lines = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(DOCUMENTS + 2);
    const done = lines.filter((line) => line.status === "done");
    expect(done.map((line) => line.path)).toContain("annexes.zip/annexe.txt");
    for (const line of done) {
      const extraction = line.extraction as Extraction;
      expect(extraction.stats.retries).toBe(0);
      expect(extraction.entities.map((m) => m.text)).toEqual(["Marie Curval", "Bordeaux"]);
      for (const m of extraction.entities)
        expect(codePointSlice(extraction.text, m.start, m.end)).toBe(m.text);
    }

    const again = await palimpsest(["batch", archive, "--out", out, "--format", "csv"], dataDir);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("resuming");
    expect(again.stderr).toContain("this run: 0 model calls");
    expect(generations() - before).toBe(DOCUMENTS + 1);
    const rows = parse(await readFile(out, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.filter((row) => row.status === "done")).toHaveLength(2 * (DOCUMENTS + 1));
    expect(rows.find((row) => row.path === "lettres/007.txt" && row.type === "place")).toMatchObject({
      text: "Bordeaux",
      alignment: "exact",
    });
  });

  it("reads a folder and a list of files, picks up what was added, and exits 3 when a document is refused", async () => {
    const dataDir = join(work, "dir-data");
    const folder = join(work, "folder");
    await mkdir(join(folder, "1790"), { recursive: true });
    for (let n = 0; n < 5; n++) await writeFile(join(folder, "1790", `${n}.txt`), letter(1000 + n));
    await writeFile(join(folder, "vide.txt"), "");
    const first = await palimpsest(["batch", folder, "--language", "fr"], dataDir);
    expect(first.code).toBe(3);
    expect(first.stderr).toContain("vide.txt: EMPTY_DOCUMENT");
    expect(first.stdout.trim().split("\n")).toHaveLength(6);

    await writeFile(join(folder, "1790", "5.txt"), letter(1005));
    const before = generations();
    const second = await palimpsest(["batch", folder, "--language", "fr"], dataDir);
    expect(second.stderr).toContain("this run: 1 model calls");
    expect(generations() - before).toBe(1);
    const paths = second.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).path);
    expect(paths).toEqual([
      "1790/0.txt",
      "1790/1.txt",
      "1790/2.txt",
      "1790/3.txt",
      "1790/4.txt",
      "vide.txt",
      "1790/5.txt",
    ]);

    const list = join(work, "list.txt");
    await writeFile(
      list,
      `# two letters and a missing file\nfolder/1790/0.txt\n\nfolder/1790/1.txt\nnowhere.txt\n`,
    );
    const listed = await palimpsest(["batch", list], dataDir);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain("nowhere.txt: NOT_FOUND");
    expect(
      listed.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).status),
    ).toEqual(["done", "done", "skipped"]);
  });

  it("says at once, with exit code 4, when the model server does not answer at the start", async () => {
    const folder = await mkdtemp(join(work, "unreachable-"));
    await writeFile(join(folder, "a.txt"), letter(1));
    const dataDir = await mkdtemp(join(work, "data-"));
    // A port nothing listens on: a mistyped BLOOM_ENDPOINT_URL.
    const result = await runCli(["batch", folder, "--out", join(work, "never.jsonl")], {
      BLOOM_ENDPOINT_URL: "http://127.0.0.1:9",
      DATA_DIR: dataDir,
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("http://127.0.0.1:9");
  });
});
