/**
 * `palimpsest extract --format tei|alto|page`: TEI of any files (a teiCorpus of several), and the one
 * PAGE or ALTO file given, written back with its entities; refused with exit 3 for other files.
 */
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { lexiconModel } from "../support/harness.js";
import { startTgiTestServer, type TgiTestServer } from "../support/tgi-server.js";

const PAGE_FILE = fileURLToPath(
  new URL("../fixtures/formats/page/kraken-tests_minimal_transkribus_page2013.xml", import.meta.url),
);

let server: TgiTestServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startTgiTestServer({ respond: lexiconModel([{ type: "place", text: "Line 2" }]) });
  env = { BLOOM_ENDPOINT_URL: server.url };
  dir = await mkdtemp(join(tmpdir(), "palimpsest-xml-export-"));
  await copyFile(PAGE_FILE, join(dir, "page.xml"));
  await writeFile(join(dir, "notes.txt"), "Line 2 of the notes.");
});
afterAll(() => server.close());

describe("palimpsest extract --format tei|alto|page", () => {
  it("writes the PAGE file given with its entities, the rest as it was", async () => {
    const out = join(dir, "tagged.xml");
    const run = await runCli(["extract", join(dir, "page.xml"), "--format", "page", "--out", out], env);
    expect(run.code).toBe(0);
    const original = await readFile(PAGE_FILE, "utf8");
    const tagged = await readFile(out, "utf8");
    expect(tagged).toContain(
      '<TextLine id="l2" custom="readingOrder {index:1;} place {offset:0; length:6;}">',
    );
    expect(tagged.replace(" place {offset:0; length:6;}", "")).toBe(original);
  });

  it("writes a teiCorpus of several files", async () => {
    const run = await runCli(
      ["extract", join(dir, "page.xml"), join(dir, "notes.txt"), "--format", "tei"],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('<teiCorpus xmlns="http://www.tei-c.org/ns/1.0">');
    expect(
      run.stdout.match(/<placeName xml:id="d\d-m1" ref="#d\d-place-1">Line 2<\/placeName>/g),
    ).toHaveLength(2);
  });

  it("refuses a PAGE export of a text file with exit 3, saying why", async () => {
    const run = await runCli(["extract", join(dir, "notes.txt"), "--format", "page"], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("this document is text/plain, not PAGE");
  });
});
