/**
 * Page images (PNG, JPEG, TIFF including multi-page TIFF, WebP, GIF): every page read by OCR.
 * The pages' sizes are read from their headers first, so a pixel bomb costs no OCR.
 */
import { PalimpsestError } from "../../errors.js";
import type { OcrReader } from "../ocr/reader.js";
import type { Warning } from "../types.js";
import { type OcrJob, type OcrRequest, ocrPages, unreadable } from "./ocr-pages.js";
import type { PageText } from "./pages.js";

export interface ImageOptions {
  maxPages: number;
  ocr: OcrReader;
  request: OcrRequest;
}

export async function readImage(
  bytes: Uint8Array,
  { maxPages, ocr, request }: ImageOptions,
): Promise<{ pages: PageText[]; warnings: Warning[] }> {
  const count = await ocr.countPages(bytes);
  if (count > maxPages)
    throw new PalimpsestError(
      "TOO_MANY_PAGES",
      `The image file has ${count} pages; at most ${maxPages} are read from one document. Split it into smaller parts.`,
      { details: { pages: count, maxPages } },
    );
  // Page sizes are in the headers: a document over its pixel budget is refused before any OCR.
  const pixels = await ocr.leastPixels(bytes, count);
  const jobs: OcrJob[] = pixels.map((least, index) => ({
    page: index + 1,
    pixels: least,
    image: async () => ({ bytes, index, origin: "file" as const, reason: "image" as const }),
  }));
  const outcome = await ocrPages(jobs, ocr, request);
  if (outcome.failures.length === count) throw unreadable(outcome.failures);
  return { pages: outcome.pages, warnings: outcome.warnings };
}
