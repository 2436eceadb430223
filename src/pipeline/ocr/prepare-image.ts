/**
 * The cheap preprocessing that helps OCR of old scans, done with sharp (libvips): the orientation
 * the camera or scanner recorded (EXIF) applied, colour dropped to greyscale, and scans below
 * 200 dpi upscaled to 300 (tesseract's models read characters about 20-30 pixels high), pages larger
 * than OCR_PAGE_PIXELS scaled down to it. The file is decoded as decode-image.ts does it, so a
 * decompression bomb is refused without costing memory.
 *
 * Page pixels are those of the image as a viewer shows it (oriented); a scaled copy is only for the
 * engine, and boxes are scaled back.
 */
import type { Metadata } from "sharp";
import { imageDecoder, imageMetadata, undecodable } from "./decode-image.js";
import { tiffPageSizes } from "./tiff-sizes.js";

export interface PreparedImage {
  /** PNG or JPEG bytes for the engine. */
  data: Uint8Array;
  /** Size of the page in page pixels. */
  width: number;
  height: number;
  /** Engine pixels per page pixel (above 1 when upscaled, below when scaled down). */
  scale: number;
}

/** Resolutions that mean "not recorded" rather than a scan's: PNG and screen defaults. */
const UNRECORDED_DPI = new Set([72, 96]);
const LOW_DPI = 200;
const TARGET_DPI = 300;

/** Number of pages of an image file (a multi-page TIFF has several). */
export async function countImagePages(bytes: Uint8Array, maxPixels: number): Promise<number> {
  const { pages } = await imageMetadata(bytes, 0, maxPixels);
  return pages ?? 1;
}

export interface ImageLimits {
  /** OCR_MAX_PIXELS: larger images are refused from their header. */
  maxPixels: number;
  /** OCR_PAGE_PIXELS: most pixels the engine gets; a larger image is scaled down to it. */
  pagePixels: number;
}

/**
 * Pixels the engine gets at least of each of the `pages` pages of an image file, from headers alone:
 * each page's own, up to OCR_PAGE_PIXELS (a low-resolution scan, upscaled, gets more).
 */
export async function leastPixels(bytes: Uint8Array, pages: number, limits: ImageLimits): Promise<number[]> {
  const capped = ({ width, height }: { width: number; height: number }) =>
    Math.min(width * height, limits.pagePixels);
  const sizes = tiffPageSizes(bytes, pages);
  if (sizes?.length === pages) return sizes.map(capped);
  const first = await imageMetadata(bytes, 0, limits.maxPixels);
  // The frames of the other formats (GIF, WebP) all have the first one's size; of a TIFF whose
  // chain could not be followed, only the first page is known.
  const rest = first.format === "tiff" ? 0 : capped(first);
  return [capped(first), ...new Array<number>(pages - 1).fill(rest)];
}

/** Pixels of a prepared image as the engine gets it. */
export function pixelsOf({ width, height, scale }: Omit<PreparedImage, "data">): number {
  return Math.round(width * scale) * Math.round(height * scale);
}

export async function prepareImage(
  bytes: Uint8Array,
  options: { page?: number; dpi?: number } & ImageLimits,
): Promise<PreparedImage> {
  const page = options.page ?? 0;
  const info = await imageMetadata(bytes, page, options.maxPixels);
  const { width, height, scale } = plan(info, options.dpi, options);
  const oriented = (info.orientation ?? 1) === 1;
  const grey = info.channels === 1 || (info.channels === 2 && info.hasAlpha === true);
  // Engines read PNG and JPEG as they are: nothing to do costs nothing.
  if (oriented && grey && scale === 1 && (info.format === "png" || info.format === "jpeg") && page === 0)
    return { data: bytes, width, height, scale: 1 };
  try {
    // toColourspace, not greyscale(): after autoOrient, greyscale() still writes three bands.
    let pipeline = imageDecoder(bytes, page, options.maxPixels).autoOrient().toColourspace("b-w");
    if (scale !== 1)
      pipeline = pipeline.resize(Math.round(width * scale), Math.round(height * scale), {
        kernel: "lanczos3",
      });
    const data = await pipeline.png({ compressionLevel: 1 }).toBuffer();
    return { data, width, height, scale };
  } catch (error) {
    throw undecodable(error);
  }
}

/** The page's size as a viewer shows it, and the scale the engine reads it at. */
function plan(
  info: Metadata,
  givenDpi: number | undefined,
  { pagePixels }: Pick<ImageLimits, "pagePixels">,
): Omit<PreparedImage, "data"> {
  const width = info.autoOrient?.width ?? info.width;
  const height = info.autoOrient?.height ?? info.height;
  const recorded = info.density !== undefined && !UNRECORDED_DPI.has(info.density) ? info.density : undefined;
  const dpi = givenDpi ?? recorded;
  const upscale = dpi !== undefined && dpi < LOW_DPI ? Math.min(TARGET_DPI / dpi, 4) : 1;
  // Below 1 for a page larger than OCR_PAGE_PIXELS: the engine's time and memory grow with its pixels.
  return { width, height, scale: Math.min(upscale, Math.sqrt(pagePixels / (width * height))) };
}
