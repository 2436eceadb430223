/**
 * Page images (PNG, JPEG, TIFF including multi-page TIFF, WebP, GIF): every page read by OCR.
 */
import { PalimpsestError } from "../../errors.js";
import type { OcrHints } from "../ocr/models.js";
import type { OcrReader } from "../ocr/reader.js";
import type { Warning } from "../types.js";
import { ocrPages, unreadable } from "./ocr-pages.js";
import type { PageText } from "./pages.js";

export interface ImageOptions {
  maxPages: number;
  ocr: OcrReader;
  hints: OcrHints;
  signal: AbortSignal;
}

export async function readImage(
  bytes: Uint8Array,
  options: ImageOptions,
): Promise<{ pages: PageText[]; warnings: Warning[] }> {
  const count = await options.ocr.countPages(bytes);
  if (count > options.maxPages)
    throw new PalimpsestError(
      "TOO_MANY_PAGES",
      `The image file has ${count} pages; at most ${options.maxPages} are read from one document. Split it into smaller parts.`,
      { details: { pages: count, maxPages: options.maxPages } },
    );
  const jobs = Array.from({ length: count }, (_, index) => ({
    page: index + 1,
    image: async () => ({ bytes, index, origin: "file" as const, reason: "image" as const }),
  }));
  const outcome = await ocrPages(jobs, options.ocr, options.hints, options.signal);
  if (outcome.failures.length === count) throw unreadable(outcome.failures);
  return { pages: outcome.pages, warnings: outcome.warnings };
}
