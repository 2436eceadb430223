/**
 * Image files decoded with sharp (libvips) without trusting them: sizes are read from the header
 * before any pixel is decoded, so a decompression bomb (a tiny file declaring 50,000 x 50,000
 * pixels) is refused without costing memory, and a file that does not decode is reported as damaged.
 * Shared by OCR (prepare-image.ts) and the page images the API serves (ingest/page-image.ts).
 */
import sharp, { type Metadata, type Sharp } from "sharp";
import { PalimpsestError } from "../../errors.js";

/** `maxPixels` false reads headers only, so the size can be checked and reported first. */
export function imageDecoder(bytes: Uint8Array, page: number, maxPixels: number | false): Sharp {
  // Warnings (a truncated scan's last rows) are not worth refusing a page for; errors are.
  return sharp(bytes, { page, limitInputPixels: maxPixels, failOn: "error" });
}

/** The header of page `page` (0-based); IMAGE_TOO_LARGE past `maxPixels`. */
export async function imageMetadata(bytes: Uint8Array, page: number, maxPixels: number): Promise<Metadata> {
  let info: Metadata;
  try {
    info = await imageDecoder(bytes, page, false).metadata();
  } catch (error) {
    throw undecodable(error);
  }
  if (info.width * info.height > maxPixels)
    throw new PalimpsestError(
      "IMAGE_TOO_LARGE",
      `The image${page > 0 ? ` (page ${page + 1})` : ""} declares ${info.width} x ${info.height} pixels, more than the ${maxPixels} read (OCR_MAX_PIXELS). Scale it down, or raise the limit if the scan is genuine.`,
      { details: { width: info.width, height: info.height, maxPixels } },
    );
  return info;
}

export function undecodable(error: unknown): PalimpsestError {
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return new PalimpsestError(
    "CORRUPT_DOCUMENT",
    `The image cannot be decoded (${reason}); the file is damaged, incomplete or not really an image. Send it again or re-export it.`,
    { cause: error },
  );
}
