/**
 * The image of a PDF page, for OCR and for display (the same pixels, so the boxes fit it). A scanned
 * page is usually one image drawn over the whole page: its pixels are taken as pdf.js decoded them,
 * at the scan's own resolution (a low one is upscaled like any scan), and handed to sharp raw. That
 * costs a third of pdf-parse's getImage or getScreenshot, which both copy pixels in JavaScript and
 * encode a PNG. Any other page (text and pictures, a rotated or flipped scan) is rendered at OCR_DPI,
 * or less if the rendering would exceed OCR_MAX_PIXELS. One page at a time: a page image can take
 * tens of MiB.
 *
 * pdf-parse exposes neither the operators of a page nor its decoded images, so the pdf.js document
 * it holds is read directly; without it (a future pdf-parse), every page is rendered.
 */
import type { PDFParse } from "pdf-parse";
import sharp from "sharp";
import type { PageImage } from "../ocr/reader.js";

/** The parts of pdf.js's document and page used here. */
interface PdfJsDocument {
  getPage(number: number): Promise<PdfJsPage>;
}
interface PdfJsPage {
  view: number[];
  rotate: number;
  getOperatorList(): Promise<{ fnArray: number[]; argsArray: unknown[][] }>;
  objs: PdfJsObjects;
  commonObjs: PdfJsObjects;
  cleanup(): void;
}
interface PdfJsObjects {
  get(name: string, callback: (image: DecodedImage) => void): void;
}
interface DecodedImage {
  width: number;
  height: number;
  kind: number;
  data?: Uint8Array | Uint8ClampedArray;
}

/** pdf.js's operator codes (OPS) and image kinds (ImageKind) used here. */
const OPS = { save: 10, restore: 11, transform: 12, paintImageXObject: 85 };
const KIND = { GRAYSCALE_1BPP: 1, RGB_24BPP: 2, RGBA_32BPP: 3 };
/** Share of the page an image must cover, each way, to stand for the page. */
const COVERAGE = 0.95;
const POINTS_PER_INCH = 72;

type Matrix = [number, number, number, number, number, number];

export interface RenderOptions {
  dpi: number;
  maxPixels: number;
  /**
   * Widest rendering wanted, for display: a page shown 1,400 pixels wide need not be rendered at
   * OCR_DPI first (a quarter of the time). Its aspect, the space of the boxes, stays the same.
   */
  maxWidth?: number;
}

export async function pdfPageImage(
  parser: PDFParse,
  number: number,
  options: RenderOptions,
): Promise<Omit<PageImage, "reason">> {
  const document = (parser as unknown as { doc?: PdfJsDocument }).doc;
  const page = document && (await document.getPage(number));
  try {
    const scan = page && (await pageScan(page));
    if (scan) return { ...scan, origin: "embedded" };
  } finally {
    page?.cleanup();
  }
  const [x0 = 0, y0 = 0, x1 = 612, y1 = 792] = page?.view ?? [];
  const scale = Math.min(
    options.dpi / POINTS_PER_INCH,
    Math.sqrt(options.maxPixels / ((x1 - x0) * (y1 - y0))),
    (options.maxWidth ?? Number.POSITIVE_INFINITY) / (x1 - x0),
  );
  const { pages } = await parser.getScreenshot({
    partial: [number],
    scale,
    imageBuffer: true,
    imageDataUrl: false,
  });
  const rendered = pages[0];
  if (!rendered) throw new Error(`page ${number} was not rendered`);
  return {
    bytes: rendered.data,
    origin: "rendered",
    dpi: Math.round(scale * POINTS_PER_INCH),
  };
}

/** The page's one image as a PNG, when the page is nothing but that image, upright, covering it. */
async function pageScan(page: PdfJsPage): Promise<{ bytes: Uint8Array; dpi: number } | undefined> {
  if (page.rotate % 360 !== 0) return undefined;
  const { fnArray, argsArray } = await page.getOperatorList();
  const painted = fnArray.flatMap((op, i) => (op === OPS.paintImageXObject ? [i] : []));
  const [at] = painted;
  if (painted.length !== 1 || at === undefined) return undefined;
  const placement = transformAt(fnArray, argsArray, at);
  const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view;
  const [a, b, c, d] = placement;
  // Upright and not mirrored: the image's rows run top to bottom as on the page.
  if (b !== 0 || c !== 0 || a <= 0 || d <= 0) return undefined;
  if (a < (x1 - x0) * COVERAGE || d < (y1 - y0) * COVERAGE) return undefined;
  const name = argsArray[at]?.[0];
  if (typeof name !== "string") return undefined;
  const image = await decoded(page, name);
  if (!image?.data) return undefined;
  const bytes = await toPng(image);
  return bytes && { bytes, dpi: Math.round((image.width / a) * POINTS_PER_INCH) };
}

/** The current transformation matrix when operator `until` runs. */
function transformAt(fnArray: number[], argsArray: unknown[][], until: number): Matrix {
  const stack: Matrix[] = [];
  let current: Matrix = [1, 0, 0, 1, 0, 0];
  for (let i = 0; i < until; i++) {
    if (fnArray[i] === OPS.save) stack.push(current);
    else if (fnArray[i] === OPS.restore) current = stack.pop() ?? current;
    else if (fnArray[i] === OPS.transform) current = multiply(argsArray[i] as Matrix, current);
  }
  return current;
}

function multiply([a, b, c, d, e, f]: Matrix, [A, B, C, D, E, F]: Matrix): Matrix {
  return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F];
}

/** As pdf.js itself decides: an image used on several pages is shared, and its name says so. */
function decoded(page: PdfJsPage, name: string): Promise<DecodedImage | undefined> {
  const objects = name.startsWith("g_") ? page.commonObjs : page.objs;
  return new Promise((resolve) => objects.get(name, resolve));
}

async function toPng({ width, height, kind, data }: DecodedImage): Promise<Uint8Array | undefined> {
  if (!data) return undefined;
  const channels = kind === KIND.RGB_24BPP ? 3 : kind === KIND.RGBA_32BPP ? 4 : 1;
  const pixels = kind === KIND.GRAYSCALE_1BPP ? unpackBits(data, width, height) : data;
  if (kind !== KIND.GRAYSCALE_1BPP && pixels.length !== width * height * channels) return undefined;
  // Grey already, so the OCR reader takes it as it is.
  return sharp(pixels, { raw: { width, height, channels } })
    .toColourspace("b-w")
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** One bit a pixel, rows padded to whole bytes, 1 = white: to one byte a pixel. */
function unpackBits(data: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil(width / 8);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = data[y * rowBytes + (x >> 3)] ?? 0;
      out[y * width + x] = (byte >> (7 - (x & 7))) & 1 ? 255 : 0;
    }
  }
  return out;
}
