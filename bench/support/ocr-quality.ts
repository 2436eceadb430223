/**
 * What bench/ocr.ts measures besides speed: the character error rate of a whole scanned page (its
 * margins included) as read, with the margins and junk lines dropped, and of its body alone (the scan
 * cropped to the ground truth's border: the best the rules could do); and what finding a page's
 * orientation costs, with tesseract's OSD and with the fallback's four readings.
 */
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import sharp from "sharp";
import { loadConfig } from "../../src/config.js";
import { composePage } from "../../src/pipeline/ingest/compose-page.js";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { boxFromPoints } from "../../src/pipeline/ingest/xml/geometry.js";
import { importPageXml } from "../../src/pipeline/ingest/xml/page-xml.js";
import { createOcrEngine } from "../../src/pipeline/ocr/create-engine.js";
import { readingSettings } from "../../src/pipeline/ocr/index.js";
import { createNativeEngine, findNativeTesseract } from "../../src/pipeline/ocr/native.js";
import { findOrientation } from "../../src/pipeline/ocr/orientation.js";
import { inverseTurn, QUARTER_TURNS } from "../../src/pipeline/ocr/page-geometry.js";
import type { OcrEngine } from "../../src/pipeline/ocr/port.js";
import { createOcrReader } from "../../src/pipeline/ocr/reader.js";
import type { Box } from "../../src/pipeline/types.js";
import { characterErrorRate, linesFound } from "../../test/support/ocr.js";

export interface ScannedPage {
  name: string;
  image: string;
  /** Its PAGE XML ground truth. */
  truth: string;
}

type EngineKind = "native" | "tesseractjs";

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** White around a crop, as around a page: engines read text that touches the image's edge badly. */
const CROP_PADDING = 20;

function engineOf(kind: EngineKind, dataDir: string): () => Promise<OcrEngine> {
  return () => createOcrEngine({ ocrEngine: kind, dataDir, ocrParallelPages: 1 }, silent);
}

/** The pipeline's OCR reader on `engine` with the reading settings of `env`, at generous limits. */
export function readerOf(
  engine: () => Promise<OcrEngine>,
  env: NodeJS.ProcessEnv,
  model: string,
  parallelPages = 1,
) {
  return createOcrReader({
    engine,
    parallelPages,
    pageTimeoutMs: 300_000,
    maxPixels: 120_000_000,
    pagePixels: 25_000_000,
    documentPixels: 5_000_000_000,
    documentSeconds: 1800,
    renderDpi: 300,
    defaultModels: [model],
    ...readingSettings(loadConfig(env)),
  });
}

/** The ground truth's text in reading order, and the border of its text (PAGE's Border, else its regions'). */
function groundTruth(path: string): { text: string; border: Box } {
  const xml = readFileSync(path, "utf8");
  const [page] = importPageXml(xml).pages;
  const border = xml.match(/<(?:\w+:)?Border\b[^>]*>\s*<(?:\w+:)?Coords\s+points="([^"]+)"/)?.[1];
  const regions = [...xml.matchAll(/<(?:\w+:)?TextRegion\b[^>]*>\s*<(?:\w+:)?Coords\s+points="([^"]+)"/g)];
  const box = boxFromPoints(border ?? regions.map((region) => region[1]).join(" "));
  if (!box) throw new Error(`${path} gives no border and no text region`);
  return { text: composePage(page?.blocks ?? []).text, border: box };
}

/** The character error rates of each engine on each page: as read, with margins dropped, body only. */
export async function accuracyTable(
  pages: ScannedPage[],
  engines: EngineKind[],
  model: string,
): Promise<string[]> {
  const rows = [
    "| engine | page | whole page, as read | whole page, margins and junk dropped | body only (ground truth's border) | dropped (lines / words) | ground-truth lines lost |",
    "|---|---|---|---|---|---|---|",
  ];
  const off = { OCR_TEXT_AREA: "off", OCR_JUNK_LINE_CONFIDENCE: "0", OCR_ORIENTATION: "off" };
  for (const kind of engines) {
    const dataDir = tmpdir();
    const plain = readerOf(engineOf(kind, dataDir), off, model);
    const sifting = readerOf(engineOf(kind, dataDir), { OCR_ORIENTATION: "off" }, model);
    for (const page of pages) {
      const { text: truth, border } = groundTruth(page.truth);
      const scan = readFileSync(page.image);
      const read = (ocr: typeof plain, image: Uint8Array) =>
        ingest(image, { maxPages: 1, ocr, hints: { models: [model] } });
      const asRead = await read(plain, scan);
      const sifted = await read(sifting, scan);
      const body = await sharp(scan)
        .extract({ left: border.x, top: border.y, width: border.width, height: border.height })
        .extend({
          top: CROP_PADDING,
          bottom: CROP_PADDING,
          left: CROP_PADDING,
          right: CROP_PADDING,
          background: "white",
        })
        .png()
        .toBuffer();
      const bodyRead = await read(plain, body);
      const reading = sifted.pages[0]?.reading;
      const dropped = reading?.method === "ocr" ? reading.dropped : undefined;
      const before = linesFound(asRead.text, truth);
      const after = new Set(linesFound(sifted.text, truth));
      const lost = before.filter((line) => !after.has(line));
      rows.push(
        `| ${engineName(kind)} | ${page.name} | ${percent(characterErrorRate(asRead.text, truth))} | ${percent(characterErrorRate(sifted.text, truth))} | ${percent(characterErrorRate(bodyRead.text, truth))} | ${dropped ? `${dropped.lines} / ${dropped.words}` : "0 / 0"} | ${lost.length === 0 ? "none" : lost.map((line) => `\`${line}\``).join(", ")} |`,
      );
    }
    await Promise.all([plain.close(), sifting.close()]);
  }
  return rows;
}

function engineName(kind: EngineKind): string {
  return kind === "native" ? "native tesseract" : "tesseract.js";
}

interface OrientationWay {
  name: string;
  engine: () => Promise<OcrEngine>;
}

/**
 * What finding the orientation costs on the page turned each way, and whether it is found: the
 * median wall and CPU seconds of one page's orientation (the engine's processes or threads).
 */
export async function orientationTable(image: string, model: string, hasNative: boolean): Promise<string[]> {
  const ways: OrientationWay[] = [];
  if (hasNative) {
    ways.push({ name: "native tesseract, OSD", engine: engineOf("native", tmpdir()) });
    ways.push({
      name: "native tesseract without osd: four readings",
      async engine() {
        const found = await findNativeTesseract();
        if (!found) throw new Error("tesseract is not installed");
        return createNativeEngine({
          ...found,
          models: new Set([...found.models].filter((m) => m !== "osd")),
        });
      },
    });
  }
  ways.push({ name: "tesseract.js, OSD", engine: engineOf("tesseractjs", tmpdir()) });
  const { orientation } = readingSettings(loadConfig({}));
  const upright = await sharp(image).toColourspace("b-w").png().toBuffer();
  const rows = [
    `| way | turns found (page turned 0, 90, 180, 270) | seconds per page (wall) | CPU seconds per page | pixels read |`,
    "|---|---|---|---|---|",
  ];
  for (const way of ways) {
    const engine = await way.engine();
    // The first page starts the engine (tesseract.js: its worker): not counted.
    await findOrientation(engine, upright, [model], orientation, {
      signal: AbortSignal.timeout(300_000),
      charge() {},
    });
    const turns: string[] = [];
    const walls: number[] = [];
    const cpus: number[] = [];
    let pixels = 0;
    for (const turn of QUARTER_TURNS) {
      const turned = await sharp(upright).rotate(turn).png().toBuffer();
      const cpu = cpuSeconds();
      const started = performance.now();
      pixels = 0;
      const found = await findOrientation(engine, turned, [model], orientation, {
        signal: AbortSignal.timeout(300_000),
        charge: (count) => {
          pixels += count;
        },
      });
      walls.push((performance.now() - started) / 1000);
      cpus.push(cpuSeconds() - cpu);
      turns.push(found === inverseTurn(turn) ? `${found}` : `**${found}** (not ${inverseTurn(turn)})`);
    }
    await engine.close();
    rows.push(
      `| ${way.name} | ${turns.join(", ")} | ${median(walls).toFixed(2)} | ${median(cpus).toFixed(2)} | ${(pixels / 1e6).toFixed(1)} M |`,
    );
  }
  return rows;
}

/** CPU seconds of this process (its threads) and of its ended child processes. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 16 and 17 of /proc/[pid]/stat (cutime, cstime), in clock ticks of 1/100 s.
  const children = (Number(fields[13]) + Number(fields[14])) / 100;
  return (user + system) / 1e6 + children;
}
