/**
 * The image of one page of a stored document, for display: the page as a viewer shows it, in the
 * pixel space of its boxes (the result's page width and height), at most `maxWidth` wide. Image
 * files are decoded as OCR decodes them (ocr/decode-image.ts: bombs refused from the header), with
 * their EXIF orientation applied, page N of a multi-page TIFF being its Nth image. PDF pages come
 * from pdfPageImage with OCR's settings: a scanned page is its embedded scan, any other a rendering
 * at OCR_DPI. Text and OCR exports (ALTO, PAGE, hOCR) hold no image: an export only names the scan
 * it describes.
 */
import type { Sharp } from "sharp";
import { PalimpsestError } from "../../errors.js";
import { imageDecoder, imageMetadata, undecodable } from "../ocr/decode-image.js";
import { countImagePages } from "../ocr/prepare-image.js";
import { detectBinaryFormat } from "./formats.js";
import { openPdf, pdfError } from "./pdf.js";
import { pdfPageImage } from "./pdf-page-image.js";
import { isPdf } from "./sniff.js";

export interface PageImageOptions {
  /** 1-based. */
  page: number;
  /** Widest image made; a narrower page keeps its size. */
  maxWidth: number;
  /** OCR_DPI and OCR_MAX_PIXELS, as OCR made the page's image with them. */
  dpi: number;
  maxPixels: number;
}

/** The largest side a JPEG can have: a very tall page is scaled to fit it. */
const JPEG_MAX_SIDE = 65535;
/** Scans of paper: no visible loss, a fraction of a PNG's size. */
const JPEG_QUALITY = 85;

/** Whether documents of a media type (a result's document.mediaType) have page images. */
export function hasPageImages(mediaType: string): boolean {
  return mediaType === "application/pdf" || mediaType.startsWith("image/");
}

/** The page as a JPEG. NOT_FOUND past the last page, NO_PAGE_IMAGE for a document without images. */
export async function pageImage(bytes: Uint8Array, options: PageImageOptions): Promise<Buffer> {
  const page = await pageSource(bytes, options);
  try {
    return await page
      // Transparent parts (a PNG's alpha, a rendered PDF page's background) are paper.
      .flatten({ background: "white" })
      .resize({ width: options.maxWidth, height: JPEG_MAX_SIDE, fit: "inside", withoutEnlargement: true })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer();
  } catch (error) {
    throw undecodable(error);
  }
}

export function pageOutOfRange(page: number, pages: number): PalimpsestError {
  return new PalimpsestError(
    "NOT_FOUND",
    `There is no page ${page}: the document has ${pages} page${pages === 1 ? "" : "s"}.`,
    { details: { pages } },
  );
}

async function pageSource(bytes: Uint8Array, options: PageImageOptions): Promise<Sharp> {
  if (isPdf(bytes)) return pdfPage(bytes, options);
  if (detectBinaryFormat(bytes)?.mediaType) return imagePage(bytes, options);
  throw noPageImage();
}

async function imagePage(bytes: Uint8Array, { page, maxPixels }: PageImageOptions): Promise<Sharp> {
  const pages = await countImagePages(bytes, maxPixels);
  if (page > pages) throw pageOutOfRange(page, pages);
  // Each page of a TIFF has its own size, checked before it is decoded.
  await imageMetadata(bytes, page - 1, maxPixels);
  return imageDecoder(bytes, page - 1, maxPixels).autoOrient();
}

async function pdfPage(
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

function noPageImage(): PalimpsestError {
  return new PalimpsestError(
    "NO_PAGE_IMAGE",
    "This document has no page images: only PDFs and image files (TIFF, PNG, JPEG, WebP, GIF) hold them. A text file has none, and an ALTO, PAGE or hOCR file only names the scan it was made from, which was not uploaded: open that scan beside the text (the boxes are in its pixels), or send the scan itself to have its pages served.",
  );
}
