/**
 * The image of one page of a stored document, for display: the page as a viewer shows it, in the
 * pixel space of its boxes (the result's page width and height), at most `maxWidth` wide, made by
 * the page source of the document's format (registry.ts): an image file's page as OCR decodes it, a
 * PDF page as OCR made it (its embedded scan, or a rendering at OCR_DPI). Text and OCR exports (ALTO,
 * PAGE, hOCR) hold no image: an export only names the scan it describes.
 */
import type { Sharp } from "sharp";
import { PalimpsestError } from "../../errors.js";
import { imageDecoder, undecodable } from "../ocr/decode-image.js";
import type { PageImageOptions } from "./page-source.js";
import { formatByMagic, formatOf } from "./registry.js";

export { type PageImageOptions, pageOutOfRange } from "./page-source.js";

/** The largest side a JPEG can have: a very tall page is scaled to fit it. */
const JPEG_MAX_SIDE = 65535;
/** Scans of paper: no visible loss, a fraction of a PNG's size. */
const JPEG_QUALITY = 85;

/** Whether documents of a media type (a result's document.mediaType) have page images. */
export function hasPageImages(mediaType: string): boolean {
  const format = formatOf(mediaType);
  return format !== undefined && "pageImage" in format;
}

/** Bytes at the start of a JPEG that hold its header, EXIF and colour profile segments included. */
export const PAGE_IMAGE_HEAD_BYTES = 256 * 1024;

/**
 * Whether the stored file is already the page image asked for, to be sent as it is (streamed, never
 * decoded): a one-page JPEG that needs no turning, no scaling and no colour conversion. Judged from
 * the file's first PAGE_IMAGE_HEAD_BYTES; when unsure (a header that does not fit, or does not
 * parse) the answer is no and pageImage makes the image, refusing what it must.
 */
export async function isPageImageAsStored(head: Uint8Array, options: PageImageOptions): Promise<boolean> {
  if (options.page !== 1 || formatByMagic(head)?.mediaType !== "image/jpeg") return false;
  try {
    const { width, height, orientation, space } = await imageDecoder(head, 0, false).metadata();
    return (
      (orientation === undefined || orientation === 1) &&
      (space === "srgb" || space === "b-w") &&
      width <= options.maxWidth &&
      width * height <= options.maxPixels
    );
  } catch {
    return false;
  }
}

/**
 * The page as a decoder, transparent parts (a PNG's alpha, a rendered PDF page's background) made
 * paper. NOT_FOUND past the last page, NO_PAGE_IMAGE for a document without images.
 */
export async function pageDecoder(bytes: Uint8Array, options: PageImageOptions): Promise<Sharp> {
  const format = formatByMagic(bytes);
  if (format === undefined || !("pageImage" in format)) throw noPageImage();
  return (await format.pageImage(bytes, options)).flatten({ background: "white" });
}

/** The page as a JPEG. NOT_FOUND past the last page, NO_PAGE_IMAGE for a document without images. */
export async function pageImage(bytes: Uint8Array, options: PageImageOptions): Promise<Buffer> {
  const page = await pageDecoder(bytes, options);
  try {
    return await page
      .resize({ width: options.maxWidth, height: JPEG_MAX_SIDE, fit: "inside", withoutEnlargement: true })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer();
  } catch (error) {
    throw undecodable(error);
  }
}

function noPageImage(): PalimpsestError {
  return new PalimpsestError(
    "NO_PAGE_IMAGE",
    "This document has no page images: only PDFs and image files (TIFF, PNG, JPEG, WebP, GIF) hold them. A text file has none, and an ALTO, PAGE or hOCR file only names the scan it was made from, which was not uploaded: open that scan beside the text (the boxes are in its pixels), or send the scan itself to have its pages served.",
  );
}
