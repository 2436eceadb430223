/**
 * METS folders and IIIF manifests from the command line, as a user runs them, with the OCR engine of
 * this machine: `palimpsest batch FOLDER` with an OCR-D-style workspace (ALTO, PAGE and an image-only
 * page), `palimpsest batch URL` of a manifest on the IIIF test server, `palimpsest extract` of a
 * downloaded manifest with its Web Annotations targeting the canvas, and the refusals.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { runCli } from "../support/cli.js";
import { lexiconModel } from "../support/harness.js";
import { CANVAS_SCALE, IIIF_TEST_ENV, type IiifTestServer, startIiifServer } from "../support/iiif-server.js";
import { KANT_TITLE, kantPackage } from "../support/mets.js";
import { startTgiTestServer, type TgiTestServer } from "../support/tgi-server.js";

let model: TgiTestServer;
let iiif: IiifTestServer;
let work: string;
beforeAll(async () => {
  // Words the OCR of the Fraktur page reads right ("1784" it reads as "1734").
  model = await startTgiTestServer({
    respond: lexiconModel([
      { type: "date", text: "1784" },
      { type: "work", text: "Beantwortung der Frage" },
    ]),
  });
  iiif = await startIiifServer();
  work = await mkdtemp(join(tmpdir(), "mets-iiif-cli-"));
});
afterAll(async () => {
  await model.close();
  await iiif.close();
  await rm(work, { recursive: true, force: true });
});

const palimpsest = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { BLOOM_ENDPOINT_URL: model.url, DATA_DIR: join(work, "data"), ...env });

const jsonLines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));

describe("palimpsest batch with METS and IIIF", () => {
  it("reads a METS folder as one document: ALTO, PAGE, and OCR of the page that has only its image", async () => {
    const folder = join(work, "workspace");
    for (const file of kantPackage("kant")) {
      await mkdir(dirname(join(folder, file.name)), { recursive: true });
      await writeFile(join(folder, file.name), file.data);
    }
    await writeFile(join(folder, "notes.txt"), "Im Jahre 1784 erschienen.");
    const run = await palimpsest(["batch", folder, "--language", "de"]);
    expect(run.stderr).toContain("2 documents: 2 done");
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.map((line) => line.path)).toEqual(["notes.txt", "kant/mets.xml"]);
    const kant = lines[1].extraction as Extraction;
    expect(kant.document.title).toBe(KANT_TITLE);
    expect(kant.document.pages.map((page) => page.reading?.method)).toEqual(["alto", "page-xml", "ocr"]);
    // The OCR page read the same Kant page: its title is found there too, with a box in its pixels.
    const onOcrPage = kant.entities.filter((mention) => mention.page === 3);
    expect(onOcrPage.length).toBeGreaterThan(0);
    expect(onOcrPage[0]).toHaveProperty("bbox");
  });

  it("reads a IIIF manifest by URL, and refuses one whose host is not allowed", async () => {
    const run = await palimpsest(["batch", iiif.manifest("kant-annotated-v2")], IIIF_TEST_ENV);
    expect(run.code).toBe(0);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ path: iiif.manifest("kant-annotated-v2"), status: "done" });
    expect((line.extraction as Extraction).document.pages[0]?.reading).toEqual({
      method: "iiif-annotations",
    });

    const refused = await palimpsest(["batch", iiif.manifest("kant-v3")]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("Set IIIF_ALLOWED_HOSTS");
  });
});

describe("palimpsest extract of a downloaded manifest", () => {
  it("reads the canvas by OCR of its image and writes Web Annotations on the canvas, in canvas coordinates", async () => {
    const file = join(work, "manifest.json");
    await writeFile(file, Buffer.from(await (await fetch(iiif.manifest("kant-v3"))).arrayBuffer()));
    const result = await palimpsest(["extract", file, "--language", "de"], IIIF_TEST_ENV);
    expect(result.code).toBe(0);
    const extraction = JSON.parse(result.stdout) as Extraction;
    const [page] = extraction.document.pages;
    expect(page).toMatchObject({
      reading: { method: "ocr" },
      width: 1457,
      canvas: { width: 1457 * CANVAS_SCALE },
    });
    const title = extraction.entities.find(
      (mention) => mention.type === "work",
    ) as Extraction["entities"][number] & {
      bbox: { x: number; y: number; width: number; height: number };
    };
    expect(title?.bbox).toBeDefined();

    const exported = await palimpsest(
      ["extract", file, "--language", "de", "--format", "webanno"],
      IIIF_TEST_ENV,
    );
    expect(exported.code).toBe(0);
    const items = JSON.parse(exported.stdout).first.items as {
      target: { source?: string; selector?: { value: string } }[];
    }[];
    const { x, y, width, height } = title.bbox;
    const scaled = [x, y, x + width, y + height].map((v) => Math.round(v * CANVAS_SCALE));
    const expected = `xywh=${scaled[0]},${scaled[1]},${(scaled[2] ?? 0) - (scaled[0] ?? 0)},${(scaled[3] ?? 0) - (scaled[1] ?? 0)}`;
    expect(items.flatMap((item) => item.target)).toContainEqual(
      expect.objectContaining({
        source: page?.canvas?.id,
        selector: expect.objectContaining({ value: expected }),
      }),
    );
    const manifest = JSON.parse(
      (await palimpsest(["extract", file, "--language", "de", "--format", "iiif"], IIIF_TEST_ENV)).stdout,
    );
    expect(manifest.items[0].annotations[0].items.length).toBe(extraction.entities.length);
    expect(await readFile(file, "utf8")).toContain('"type":"Manifest"');
  });
});
