/** What every format with page images provides to page-image.ts: page N of its bytes, ready to encode. */
import type { Sharp } from "sharp";
import { PalimpsestError } from "../../errors.js";

export interface PageImageOptions {
  /** 1-based. */
  page: number;
  /** Widest image made; a narrower page keeps its size. */
  maxWidth: number;
  /** OCR_DPI and OCR_MAX_PIXELS, as OCR made the page's image with them. */
  dpi: number;
  maxPixels: number;
}

/** Page `options.page` as a decoder; NOT_FOUND (pageOutOfRange) past the last page. */
export type PageSource = (bytes: Uint8Array, options: PageImageOptions) => Promise<Sharp>;

export function pageOutOfRange(page: number, pages: number): PalimpsestError {
  return new PalimpsestError(
    "NOT_FOUND",
    `There is no page ${page}: the document has ${pages} page${pages === 1 ? "" : "s"}.`,
    { details: { pages } },
  );
}
