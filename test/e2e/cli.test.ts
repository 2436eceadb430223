/** The `palimpsest` command as scripts use it: same JSON as the API, exit codes they can rely on. */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { runCli } from "../support/cli.js";
import { lexiconModel } from "../support/harness.js";
import { startTgiTestServer, type TgiTestServer } from "../support/tgi-server.js";

let server: TgiTestServer;
let dir: string;
beforeAll(async () => {
  server = await startTgiTestServer({ respond: lexiconModel([{ type: "place", text: "Bordeaux" }]) });
  dir = await mkdtemp(join(tmpdir(), "palimpsest-cli-"));
});
afterAll(async () => server.close());

const palimpsest = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { BLOOM_ENDPOINT_URL: server.url, ...env });

describe("palimpsest CLI", () => {
  it("extract writes the API's JSON to --out and exits 0", async () => {
    const file = join(dir, "lettre.txt");
    await writeFile(file, "Lettre écrite à Bordeaux le 2 mars 1790.");
    const out = join(dir, "lettre.json");
    const result = await palimpsest(["extract", file, "--out", out, "--language", "fr"]);
    expect(result.code).toBe(0);
    const extraction = JSON.parse(await readFile(out, "utf8")) as Extraction;
    expect(extraction.entities).toEqual([expect.objectContaining({ text: "Bordeaux", start: 16, end: 24 })]);
    expect(extraction.document.filename).toBe("lettre.txt");
  });

  it("writes one JSON line per file and exits 3 when a document is refused", async () => {
    const good = join(dir, "good.txt");
    const empty = join(dir, "empty.txt");
    await writeFile(good, "Bordeaux");
    await writeFile(empty, "");
    const result = await palimpsest(["extract", good, empty]);
    expect(result.code).toBe(3);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0].entities).toHaveLength(1);
    expect(lines[1]).toMatchObject({ file: empty, error: { code: "EMPTY_DOCUMENT" } });
    expect(result.stderr).toContain("empty.txt");
  });

  it("exits 4 when the model server cannot be reached", async () => {
    const file = join(dir, "x.txt");
    await writeFile(file, "Bordeaux");
    const result = await palimpsest(["extract", file], {
      BLOOM_ENDPOINT_URL: "http://127.0.0.1:9",
      MODEL_RETRIES: "0",
    });
    expect(result.code).toBe(4);
  });

  it("exits 78 naming the variable when the configuration is bad, and 2 on usage errors", async () => {
    const config = await palimpsest(["profiles"], { MODEL_CONCURRENCY: "lots" });
    expect(config.code).toBe(78);
    expect(config.stderr).toContain("MODEL_CONCURRENCY");
    expect((await palimpsest(["extract"])).code).toBe(2);
    expect((await palimpsest(["frobnicate"])).code).toBe(2);
  });
});
