/**
 * The parameters of a IIIF Image API 3.0 image request, {region}/{size}/{rotation}/{quality}.{format},
 * read against the page's size and the service's limits into the one operation to run: the region
 * in page pixels, the size to scale it to, a quarter turn, grey or colour, JPEG or PNG. Level 1 and
 * the level 2 features that cost nothing: regions in percent, sizes in percent and confined (!w,h),
 * turns by 90°, grey, PNG. Not served (400): upscaling (^), mirroring (!), other angles, bitonal.
 */
import { PalimpsestError } from "../errors.js";

export interface ImageLimits {
  maxWidth: number;
  maxArea: number;
}

export interface ImageOperation {
  region: { left: number; top: number; width: number; height: number };
  /** The size of the region once scaled, before it is turned. */
  width: number;
  height: number;
  rotation: 0 | 90 | 180 | 270;
  gray: boolean;
  format: "jpg" | "png";
}

export const IIIF_QUALITIES = ["default", "color", "gray"] as const;
export const IIIF_FORMATS = ["jpg", "png"] as const;

const NUMBER = "\\d+(?:\\.\\d+)?";
const PIXELS = /^(\d+),(\d+),(\d+),(\d+)$/;
const PERCENT = new RegExp(`^pct:(${NUMBER}),(${NUMBER}),(${NUMBER}),(${NUMBER})$`);
const SIZE = /^(!)?(\d+)?,(\d+)?$/;
const SIZE_PERCENT = new RegExp(`^pct:(${NUMBER})$`);

export function imageOperation(
  params: { region: string; size: string; rotation: string; file: string },
  page: { width: number; height: number },
  limits: ImageLimits,
): ImageOperation {
  const region = readRegion(params.region, page);
  const { width, height } = readSize(params.size, region, limits);
  const { gray, format } = readFile(params.file);
  return { region, width, height, rotation: readRotation(params.rotation), gray, format };
}

function readRegion(value: string, page: { width: number; height: number }): ImageOperation["region"] {
  if (value === "full") return { left: 0, top: 0, width: page.width, height: page.height };
  if (value === "square") {
    const side = Math.min(page.width, page.height);
    return {
      left: Math.floor((page.width - side) / 2),
      top: Math.floor((page.height - side) / 2),
      width: side,
      height: side,
    };
  }
  const pixels = PIXELS.exec(value);
  const percent = PERCENT.exec(value);
  const numbers = (pixels ?? percent)?.slice(1).map(Number);
  if (!numbers)
    throw invalid(
      `The region "${value}" is none of full, square, x,y,w,h (pixels) or pct:x,y,w,h.`,
      "region",
    );
  const [x, y, w, h] = percent
    ? [
        ((numbers[0] as number) * page.width) / 100,
        ((numbers[1] as number) * page.height) / 100,
        ((numbers[2] as number) * page.width) / 100,
        ((numbers[3] as number) * page.height) / 100,
      ].map(Math.round)
    : numbers;
  const [left, top, width, height] = [x, y, w, h] as [number, number, number, number];
  if (width <= 0 || height <= 0) throw invalid(`The region "${value}" is empty.`, "region");
  if (left >= page.width || top >= page.height)
    throw invalid(
      `The region "${value}" lies outside the page, which is ${page.width} x ${page.height} pixels.`,
      "region",
    );
  // A region that goes past the page's edge is cut at it (a deep-zoom viewer's last row of tiles).
  return {
    left,
    top,
    width: Math.min(width, page.width - left),
    height: Math.min(height, page.height - top),
  };
}

function readSize(
  value: string,
  region: { width: number; height: number },
  limits: ImageLimits,
): { width: number; height: number } {
  if (value.startsWith("^"))
    throw invalid(`The size "${value}" asks for upscaling (^), which this service does not do.`, "size");
  const size = requestedSize(value, region, limits);
  if (size.width > region.width || size.height > region.height)
    throw invalid(
      `The size "${value}" (${size.width} x ${size.height}) is larger than the region (${region.width} x ${region.height}): this service does not upscale.`,
      "size",
    );
  if (size.width > limits.maxWidth || size.width * size.height > limits.maxArea)
    throw invalid(
      `The size "${value}" (${size.width} x ${size.height}) is over this service's limits: ${limits.maxWidth} pixels wide, ${limits.maxArea} pixels in all (info.json's maxWidth and maxArea).`,
      "size",
    );
  return size;
}

function requestedSize(
  value: string,
  region: { width: number; height: number },
  limits: ImageLimits,
): { width: number; height: number } {
  const scaled = (scale: number, round = Math.round) => ({
    width: Math.max(1, round(region.width * scale)),
    height: Math.max(1, round(region.height * scale)),
  });
  // As large as the region, within the limits (rounded down to stay so), its shape kept.
  if (value === "max")
    return scaled(
      Math.min(1, limits.maxWidth / region.width, Math.sqrt(limits.maxArea / (region.width * region.height))),
      // Down, but not below a whole number the scale only misses by a floating-point hair.
      (value) => Math.floor(value + 1e-9),
    );
  const percent = SIZE_PERCENT.exec(value);
  if (percent) return scaled(Number(percent[1]) / 100);
  const [, confined, w, h] = SIZE.exec(value) ?? [];
  const width = w === undefined ? undefined : Number(w);
  const height = h === undefined ? undefined : Number(h);
  if (width === 0 || height === 0) throw invalid(`The size "${value}" is empty.`, "size");
  if (confined && width !== undefined && height !== undefined)
    return scaled(Math.min(width / region.width, height / region.height));
  if (!confined && width !== undefined && height !== undefined) return { width, height };
  if (!confined && width !== undefined)
    return { width, height: Math.max(1, Math.round((region.height * width) / region.width)) };
  if (!confined && height !== undefined)
    return { width: Math.max(1, Math.round((region.width * height) / region.height)), height };
  throw invalid(`The size "${value}" is none of max, w, ,h, pct:n, w,h or !w,h.`, "size");
}

function readRotation(value: string): ImageOperation["rotation"] {
  if (value.startsWith("!"))
    throw invalid(`The rotation "${value}" mirrors the image, which this service does not do.`, "rotation");
  const angle = /^\d+(\.0+)?$/.test(value) ? Number.parseFloat(value) : Number.NaN;
  if (angle === 0 || angle === 90 || angle === 180 || angle === 270) return angle;
  throw invalid(`The rotation "${value}" is not served: turn by 0, 90, 180 or 270 degrees.`, "rotation");
}

function readFile(value: string): { gray: boolean; format: ImageOperation["format"] } {
  const [quality, format, ...rest] = value.split(".");
  if (rest.length > 0 || !(IIIF_QUALITIES as readonly string[]).includes(quality ?? ""))
    throw invalid(
      `The quality of "${value}" is not served: ask for ${IIIF_QUALITIES.join(", ")}.`,
      "quality",
    );
  if (!(IIIF_FORMATS as readonly string[]).includes(format ?? ""))
    throw invalid(`The format of "${value}" is not served: ask for ${IIIF_FORMATS.join(" or ")}.`, "format");
  return { gray: quality === "gray", format: format as ImageOperation["format"] };
}

function invalid(message: string, parameter: string): PalimpsestError {
  return new PalimpsestError("INVALID_IMAGE_REQUEST", message, { details: { parameter } });
}
