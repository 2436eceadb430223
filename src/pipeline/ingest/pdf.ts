/**
 * PDFs, page by page: the text layer where it holds real text (pdf-parse, pdf.js); OCR for a page
 * without one, or whose layer is garbage (a bad invisible OCR layer, a font without a Unicode map).
 * Each page says how it was read. Without an OCR reader, pages without text are kept, marked for
 * OCR and reported, never passed on silently as empty. A page's image for display is made as OCR
 * makes it (pdfPage).
 */
import { PDFParse } from "pdf-parse";
import type { Sharp } from "sharp";
import { PalimpsestError } from "../../errors.js";
import { imageDecoder } from "../ocr/decode-image.js";
import type { OcrReader } from "../ocr/reader.js";
import type { OcrReason, Page, Warning } from "../types.js";
import { type OcrJob, type OcrRequest, ocrPages, unreadable } from "./ocr-pages.js";
import { type PageImageOptions, pageOutOfRange } from "./page-source.js";
import { layoutPages, type PageText } from "./pages.js";
import { pdfPageImage } from "./pdf-page-image.js";
import { textLayerQuality } from "./text-layer-quality.js";

export interface PdfText {
  text: string;
  pages: Page[];
  warnings: Warning[];
}

export interface PdfOptions {
  maxPages: number;
  ocr?: OcrReader;
  request: OcrRequest;
}

/** Like Acrobat and pdf.js, accept a header preceded by junk (mail or HTTP residue) in the first KiB. */
const PDF_HEADER = /%PDF-\d\.\d/;
const PDF_HEADER_WINDOW = 1024;

export function isPdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PDF_HEADER_WINDOW));
  return PDF_HEADER.test(head.toString("latin1"));
}

export async function extractPdf(bytes: Uint8Array, options: PdfOptions): Promise<PdfText> {
  const { maxPages, ocr } = options;
  const parser = openPdf(bytes, ocr?.maxPixels);
  try {
    // The page count comes from the catalogue alone: refuse a huge PDF before reading any page.
    const info = await parser.getInfo();
    if (info.total > maxPages)
      throw new PalimpsestError(
        "TOO_MANY_PAGES",
        `The PDF has ${info.total} pages; at most ${maxPages} are read from one document. Split it into smaller parts, or raise MAX_PAGES.`,
        { details: { pages: info.total, maxPages } },
      );
    const result = await parser.getText();
    const warnings: Warning[] = [];
    const pageTexts: PageText[] = [];
    const jobs: (OcrJob & { index: number })[] = [];
    result.pages.forEach(({ text }, index) => {
      const page = index + 1;
      const reason = ocrReason(text);
      if (reason === "garbage-text-layer") warnings.push(garbageWarning(page, text, ocr !== undefined));
      if (reason === undefined || (reason === "garbage-text-layer" && !ocr)) {
        pageTexts.push({ text, needsOcr: false, reading: { method: "text-layer" } });
      } else if (!ocr) {
        pageTexts.push({ text: "", needsOcr: true });
        warnings.push({
          code: "PAGE_NEEDS_OCR",
          page,
          message: `Page ${page} has no text layer (probably a scanned image); its text must be read by OCR.`,
        });
      } else {
        const render = { dpi: ocr.renderDpi, maxPixels: ocr.pagePixels };
        jobs.push({
          index,
          page,
          image: async () => ({ ...(await pdfPageImage(parser, page, render)), reason }),
        });
        pageTexts.push({ text: "", needsOcr: true });
      }
    });
    if (ocr && jobs.length > 0) {
      const outcome = await ocrPages(jobs, ocr, options.request);
      jobs.forEach(({ index }, i) => {
        const read = outcome.pages[i];
        if (read) pageTexts[index] = read;
      });
      warnings.push(...outcome.warnings);
      if (outcome.failures.length > 0 && pageTexts.every(({ text }) => text.trim() === ""))
        throw unreadable(outcome.failures);
    }
    const { text, pages } = layoutPages(pageTexts);
    return { text, pages, warnings: warnings.sort((a, b) => (a.page ?? 0) - (b.page ?? 0)) };
  } catch (error) {
    throw pdfError(error);
  } finally {
    await parser.destroy();
  }
}

/** Page images for display are made as OCR makes them: a scanned page is its scan, others rendered at OCR_DPI. */
export async function pdfPage(
  bytes: Uint8Array,
  { page, dpi, maxPixels, maxWidth }: PageImageOptions,
): Promise<Sharp> {
  const parser = openPdf(bytes, maxPixels);
  try {
    const { total } = await parser.getInfo();
    if (page > total) throw pageOutOfRange(page, total);
    const image = await pdfPageImage(parser, page, { dpi, maxPixels, maxWidth });
    return imageDecoder(image.bytes, 0, maxPixels);
  } catch (error) {
    throw pdfError(error);
  } finally {
    await parser.destroy();
  }
}

/** Images bigger than `maxPixels` (an image bomb inside the PDF) are not decoded. */
export function openPdf(bytes: Uint8Array, maxPixels?: number): PDFParse {
  // pdf.js takes ownership of (transfers) the array it is given; the caller still needs its bytes.
  return new PDFParse({
    data: new Uint8Array(bytes),
    ...(maxPixels === undefined ? {} : { maxImageSize: maxPixels }),
  });
}

function ocrReason(text: string): OcrReason | undefined {
  if (text.trim() === "") return "no-text-layer";
  return textLayerQuality(text).garbage ? "garbage-text-layer" : undefined;
}

function garbageWarning(page: number, text: string, replaced: boolean): Warning {
  const share = Math.round(textLayerQuality(text).implausible * 100);
  return {
    code: replaced ? "TEXT_LAYER_REPLACED" : "TEXT_LAYER_GARBAGE",
    page,
    message: replaced
      ? `The text layer of page ${page} looks like garbage (${share}% of its words are implausible, as a bad invisible OCR layer or a font without a Unicode map gives); the page was read by OCR instead.`
      : `The text layer of page ${page} looks like garbage (${share}% of its words are implausible); it is kept, as no OCR is available.`,
  };
}

/**
 * pdf.js's errors in the catalogue. pdf-parse re-creates them under the same names; match on the
 * name, as pages may throw raw ones.
 */
export function pdfError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof PalimpsestError) return error;
  switch (error.name) {
    case "PasswordException":
      return new PalimpsestError(
        "ENCRYPTED_PDF",
        "The PDF is protected by a password. Remove the protection (or export an unprotected copy) and send it again.",
        { cause: error },
      );
    case "InvalidPDFException":
    case "FormatError":
    case "UnknownErrorException":
      return new PalimpsestError(
        "CORRUPT_DOCUMENT",
        `The PDF cannot be read (${error.message}); the file is damaged or incomplete. Send it again or re-export it.`,
        { cause: error },
      );
    default:
      return error;
  }
}
