/**
 * The cheap preprocessing that helps OCR of old scans, done with sharp (libvips): the orientation
 * the camera or scanner recorded (EXIF) applied, colour dropped to greyscale, and scans below
 * 200 dpi upscaled to 300 (tesseract's models read characters about 20-30 pixels high). Sizes are
 * read from the header before any pixel is decoded, so a decompression bomb (a tiny file declaring
 * 50,000 x 50,000 pixels) is refused without costing memory.
 *
 * Page pixels are those of the image as a viewer shows it (oriented); an upscaled copy is only for
 * the engine, and boxes are scaled back.
 */
import sharp, { type Metadata, type Sharp } from "sharp";
import { PalimpsestError } from "../../errors.js";

export interface PreparedImage {
  /** PNG or JPEG bytes for the engine. */
  data: Uint8Array;
  /** Size of the page in page pixels. */
  width: number;
  height: number;
  /** Engine pixels per page pixel (above 1 when upscaled). */
  scale: number;
}

/** Resolutions that mean "not recorded" rather than a scan's: PNG and screen defaults. */
const UNRECORDED_DPI = new Set([72, 96]);
const LOW_DPI = 200;
const TARGET_DPI = 300;

/** Number of pages of an image file (a multi-page TIFF has several). */
export async function countImagePages(bytes: Uint8Array, maxPixels: number): Promise<number> {
  const { pages } = await metadata(bytes, 0, maxPixels);
  return pages ?? 1;
}

export async function prepareImage(
  bytes: Uint8Array,
  options: { page?: number; dpi?: number; maxPixels: number },
): Promise<PreparedImage> {
  const page = options.page ?? 0;
  const info = await metadata(bytes, page, options.maxPixels);
  const width = info.autoOrient?.width ?? info.width;
  const height = info.autoOrient?.height ?? info.height;
  const recorded = info.density !== undefined && !UNRECORDED_DPI.has(info.density) ? info.density : undefined;
  const dpi = options.dpi ?? recorded;
  const upscale = dpi !== undefined && dpi < LOW_DPI ? Math.min(TARGET_DPI / dpi, 4) : 1;
  const scale = Math.min(upscale, Math.sqrt(options.maxPixels / (width * height)));
  const oriented = (info.orientation ?? 1) === 1;
  const grey = info.channels === 1 || (info.channels === 2 && info.hasAlpha === true);
  // Engines read PNG and JPEG as they are: nothing to do costs nothing.
  if (oriented && grey && scale === 1 && (info.format === "png" || info.format === "jpeg") && page === 0)
    return { data: bytes, width, height, scale: 1 };
  try {
    // toColourspace, not greyscale(): after autoOrient, greyscale() still writes three bands.
    let pipeline = decoder(bytes, page, options.maxPixels).autoOrient().toColourspace("b-w");
    if (scale > 1)
      pipeline = pipeline.resize(Math.round(width * scale), Math.round(height * scale), {
        kernel: "lanczos3",
      });
    const data = await pipeline.png({ compressionLevel: 1 }).toBuffer();
    return { data, width, height, scale };
  } catch (error) {
    throw corrupt(error);
  }
}

/** `maxPixels` false reads headers only, so the size can be checked and reported first. */
function decoder(bytes: Uint8Array, page: number, maxPixels: number | false): Sharp {
  // Warnings (a truncated scan's last rows) are not worth refusing a page for; errors are.
  return sharp(bytes, { page, limitInputPixels: maxPixels, failOn: "error" });
}

async function metadata(bytes: Uint8Array, page: number, maxPixels: number): Promise<Metadata> {
  let info: Metadata;
  try {
    info = await decoder(bytes, page, false).metadata();
  } catch (error) {
    throw corrupt(error);
  }
  if (info.width * info.height > maxPixels)
    throw new PalimpsestError(
      "IMAGE_TOO_LARGE",
      `The image${page > 0 ? ` (page ${page + 1})` : ""} declares ${info.width} x ${info.height} pixels, more than the ${maxPixels} read (OCR_MAX_PIXELS). Scale it down, or raise the limit if the scan is genuine.`,
      { details: { width: info.width, height: info.height, maxPixels } },
    );
  return info;
}

function corrupt(error: unknown): PalimpsestError {
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return new PalimpsestError(
    "CORRUPT_DOCUMENT",
    `The image cannot be decoded (${reason}); the file is damaged, incomplete or not really an image. Send it again or re-export it.`,
    { cause: error },
  );
}
