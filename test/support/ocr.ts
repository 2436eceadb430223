/**
 * OCR test support: the Kant page and its ground truth, the character error rate, which native
 * tesseract models this machine has, and fake engines whose behaviour a test controls.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import { loadConfig } from "../../src/config.js";
import { approximateMatches, editDistance } from "../../src/pipeline/ground/approximate.js";
import { composePage } from "../../src/pipeline/ingest/compose-page.js";
import { importPageXml } from "../../src/pipeline/ingest/xml/page-xml.js";
import { readingSettings } from "../../src/pipeline/ocr/index.js";
import type { OcrEngine, OrientationGuess } from "../../src/pipeline/ocr/port.js";
import { createOcrReader, type OcrReader } from "../../src/pipeline/ocr/reader.js";

export const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

/** Page 17 of Kant's "Was ist Aufklärung?" (1784, Fraktur), binarised, 1457 x 2083 pixels. */
export const KANT_IMAGE = fixture("ocr/kant-1784/BIN_0017.png");
export const KANT_PAGE_XML = fixture(
  "formats/page/ocrd-assets_kant_aufklaerung_1784_PAGE_0017_PAGE-2019.xml",
);
export const KANT_ALTO = fixture("formats/alto/ocrd-assets_kant_aufklaerung_1784_PAGE_0017_ALTO-v2.xml");

/** The ground-truth text of the Kant page, in reading order. */
export function kantGroundTruth(): string {
  const [page] = importPageXml(readFileSync(KANT_PAGE_XML, "utf8")).pages;
  return composePage(page?.blocks ?? []).text;
}

/** The page before binarisation, with the scan's margins: the binding, the page edges, the rules. */
export const KANT_SCAN = fixture("ocr/kant-1784/NRM_0017.png");

/**
 * The usual normalisation before comparing OCR with ground truth: whitespace runs count as one
 * space, and the superscript e of 1784 (aͤ) as the umlaut it became (ä), which models output.
 */
function normal(text: string): string {
  return text
    .replace(/\u0364/g, "\u0308")
    .normalize("NFC")
    .replace(/\s+/g, " ")
    .trim();
}

/** Edits per ground-truth character, after the usual normalisation. */
export function characterErrorRate(read: string, truth: string): number {
  const expected = normal(truth);
  return editDistance(normal(read), expected, Number.MAX_SAFE_INTEGER) / expected.length;
}

/**
 * The lines of the ground truth that stand somewhere in `read`, each within a third of its
 * characters in edits (one at least): the lines the reading has, however noisily.
 */
export function linesFound(read: string, truth: string): string[] {
  const text = normal(read);
  return truth
    .split("\n")
    .map(normal)
    .filter((line) => line !== "")
    .filter((line) => approximateMatches(line, text, Math.max(1, Math.floor(line.length / 3))).length > 0);
}

function nativeModels(): Set<string> {
  const listed = spawnSync("tesseract", ["--list-langs"], { encoding: "utf8" });
  if (listed.status !== 0) return new Set();
  return new Set(listed.stdout.trim().split("\n").slice(1));
}

/** Models of the native tesseract installed here (empty without tesseract). */
export const NATIVE_MODELS = nativeModels();
export const hasTesseract = NATIVE_MODELS.size > 0;
export const hasFraktur = NATIVE_MODELS.has("frk");

/** Says, where everyone sees it, which native-engine tests are skipped and what to install. */
export function warnSkipped(what: string, packages: string): void {
  console.warn(`SKIPPED: ${what}: install the Debian packages ${packages} (apt-get install -y ${packages}).`);
}

export interface FakeEngineOptions {
  /** What to do for each call, by 0-based call number: answer, fail, or hang until aborted. */
  behave?: (call: number) => "read" | "crash" | "hang";
  models?: string[];
  /** What its orientation detection answers for every page; without it, the engine has none. */
  orientation?: OrientationGuess;
}

/**
 * An engine that reads nothing but answers, for each image, one line of two words whose boxes are
 * fixed fractions of the image it was given: tests can predict the boxes in page pixels.
 */
export function fakeEngine(options: FakeEngineOptions = {}): OcrEngine & { calls: Uint8Array[] } {
  const calls: Uint8Array[] = [];
  const { orientation } = options;
  return {
    ...(orientation ? { detectOrientation: async () => orientation } : {}),
    name: "fake 1.0",
    models: new Set(options.models ?? ["eng", "fra", "deu", "frk"]),
    calls,
    async recognize(image, _models, signal) {
      const call = calls.push(image) - 1;
      const behaviour = options.behave?.(call) ?? "read";
      if (behaviour === "crash") throw new Error("engine crashed (simulated)");
      if (behaviour === "hang")
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      const { width = 0, height = 0 } = await sharp(image).metadata();
      return fakeHocr(width, height, `Page${call + 1}`);
    },
    async close() {},
  };
}

/** hOCR of one line: `Jean Colbert` then the word given, in the left half of the image. */
export function fakeHocr(width: number, height: number, last: string): string {
  const box = (x0: number, y0: number, x1: number, y1: number) =>
    `bbox ${Math.round(x0 * width)} ${Math.round(y0 * height)} ${Math.round(x1 * width)} ${Math.round(y1 * height)}`;
  return `<div class='ocr_page' title='${box(0, 0, 1, 1)}'><div class='ocr_carea'><p class='ocr_par'>
<span class='ocr_line' title='${box(0.1, 0.1, 0.5, 0.2)}'>
<span class='ocrx_word' title='${box(0.1, 0.1, 0.2, 0.2)}; x_wconf 95'>Jean</span>
<span class='ocrx_word' title='${box(0.25, 0.1, 0.35, 0.2)}; x_wconf 40'>Colbert</span>
<span class='ocrx_word' title='${box(0.4, 0.1, 0.5, 0.2)}; x_wconf 90'>${last}</span>
</span></p></div></div>`;
}

export function readerWith(
  engine: OcrEngine,
  options: {
    pageTimeoutMs?: number;
    maxPixels?: number;
    pagePixels?: number;
    documentPixels?: number;
    documentSeconds?: number;
    parallelPages?: number;
    /** Settings of the orientation and the junk rules, as the environment gives them; orientation is off unless set. */
    env?: NodeJS.ProcessEnv;
  } = {},
): OcrReader {
  return createOcrReader({
    engine: async () => engine,
    parallelPages: options.parallelPages ?? 2,
    pageTimeoutMs: options.pageTimeoutMs ?? 60_000,
    maxPixels: options.maxPixels ?? 100_000_000,
    pagePixels: options.pagePixels ?? 25_000_000,
    documentPixels: options.documentPixels ?? 5_000_000_000,
    documentSeconds: options.documentSeconds ?? 1800,
    renderDpi: 150,
    defaultModels: ["eng"],
    ...readingSettings(loadConfig({ OCR_ORIENTATION: "off", ...options.env })),
  });
}

/** A PNG of the given size: white, with a black bar, so encoders cannot make it trivially small. */
export function blankPage(width: number, height: number, channels: 1 | 3 = 1): Promise<Buffer> {
  const bar = Buffer.from(
    `<svg width="${width}" height="${height}"><rect x="10%" y="10%" width="40%" height="10%"/></svg>`,
  );
  return sharp({ create: { width, height, channels: channels === 1 ? 3 : channels, background: "white" } })
    .composite([{ input: bar }])
    .removeAlpha()
    .toColourspace(channels === 1 ? "b-w" : "srgb")
    .png()
    .toBuffer();
}

/**
 * A multi-page TIFF whose pages all point at one deflated strip of grey pixels: a few KB that
 * declare `pages` times `width` x `height` pixels, as a pixel bomb does.
 */
export function tiffReusingOneStrip(width: number, height: number, pages: number): Buffer {
  const strip = deflateSync(Buffer.alloc(width * height, 0x80));
  const entries: [tag: number, type: 3 | 4, value: number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 8], // bits per sample
    [259, 3, 8], // deflate
    [262, 3, 1], // black is zero
    [273, 4, 8], // the strip, right after the header
    [277, 3, 1], // samples per pixel
    [278, 4, height], // rows per strip
    [279, 4, strip.length],
  ];
  const ifdBytes = 2 + entries.length * 12 + 4;
  const firstIfd = 8 + strip.length;
  const header = Buffer.alloc(8);
  header.write("II*\0", 0, "latin1");
  header.writeUInt32LE(firstIfd, 4);
  const ifds = Buffer.alloc(ifdBytes * pages);
  for (let page = 0; page < pages; page++) {
    let at = page * ifdBytes;
    ifds.writeUInt16LE(entries.length, at);
    at += 2;
    for (const [tag, type, value] of entries) {
      ifds.writeUInt16LE(tag, at);
      ifds.writeUInt16LE(type, at + 2);
      ifds.writeUInt32LE(1, at + 4);
      if (type === 3) ifds.writeUInt16LE(value, at + 8);
      else ifds.writeUInt32LE(value, at + 8);
      at += 12;
    }
    ifds.writeUInt32LE(page === pages - 1 ? 0 : firstIfd + (page + 1) * ifdBytes, at);
  }
  return Buffer.concat([header, strip, ifds]);
}

/** A PNG whose header declares the given size, with a few bytes of pixel data: a decompression bomb. */
export function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", Buffer.from([0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1])),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
