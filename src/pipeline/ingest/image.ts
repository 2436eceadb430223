/**
 * Page images (PNG, JPEG, TIFF including multi-page TIFF, WebP, GIF): every page read by OCR.
 * The pages' sizes are read from their headers first, so a pixel bomb costs no OCR. For display, page
 * N is decoded as OCR decodes it (ocr/decode-image.ts: bombs refused from the header), with its EXIF
 * orientation applied, page N of a multi-page TIFF being its Nth image.
 */
import type { Sharp } from "sharp";
import { PalimpsestError } from "../../errors.js";
import { imageDecoder, imageMetadata } from "../ocr/decode-image.js";
import { countImagePages } from "../ocr/prepare-image.js";
import type { ReadDocument, ReadInput, ReadOptions } from "./input-format.js";
import { type OcrJob, ocrPages, unreadable } from "./ocr-pages.js";
import { type PageImageOptions, pageOutOfRange } from "./page-source.js";
import { layoutPages } from "./pages.js";

/** `mediaType` is the format's, reported when no OCR engine can read it. */
export async function readImage(
  { bytes }: ReadInput,
  { maxPages, ocr, request }: ReadOptions,
  mediaType: string,
): Promise<ReadDocument> {
  if (!ocr)
    throw new PalimpsestError(
      "UNSUPPORTED_MEDIA_TYPE",
      "The file is an image, and no OCR engine is configured to read it. Send a PDF with a text layer, an ALTO, PAGE or hOCR file, or the plain text.",
      { details: { detected: mediaType } },
    );
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
  return { ...layoutPages(outcome.pages), warnings: outcome.warnings };
}

export async function imagePage(bytes: Uint8Array, { page, maxPixels }: PageImageOptions): Promise<Sharp> {
  const pages = await countImagePages(bytes, maxPixels);
  if (page > pages) throw pageOutOfRange(page, pages);
  // Each page of a TIFF has its own size, checked before it is decoded.
  await imageMetadata(bytes, page - 1, maxPixels);
  return imageDecoder(bytes, page - 1, maxPixels).autoOrient();
}
