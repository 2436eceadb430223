/**
 * The image of a canvas at a size fit for OCR: through its IIIF Image API service where it has one
 * (its info.json says the full size and the server's limits; the image asked for has its longest side
 * at most IIIF_IMAGE_SIZE, never upscaled, within maxWidth, maxHeight and maxArea; a level 0 service
 * is asked one of the sizes it lists), else the image the manifest names, as it is.
 */
import type { RemoteFetcher } from "../remote/fetcher.js";
import { isObject, numberOf, objects } from "./json-ld.js";
import type { IiifCanvas, ImageService } from "./manifest.js";

interface ServiceInfo {
  width: number;
  height: number;
  maxWidth?: number;
  maxHeight?: number;
  maxArea?: number;
  sizes: { width: number; height: number }[];
  level0: boolean;
}

export interface ImageFetch {
  fetcher: RemoteFetcher;
  /** IIIF_IMAGE_SIZE */
  longestSide: number;
  signal: AbortSignal;
}

const IMAGE_TYPES = ["image/*"];

/** `what` names the canvas in messages ("canvas 3"). */
export async function fetchCanvasImage(
  canvas: IiifCanvas,
  what: string,
  options: ImageFetch,
): Promise<Buffer> {
  const image = canvas.image;
  if (image === undefined) throw new Error(`${what} paints no image`);
  const url = image.service ? await serviceImageUrl(image.service, what, options) : image.id;
  const fetched = await options.fetcher.fetch(url, {
    what: `the image of ${what}`,
    accept: IMAGE_TYPES,
    signal: options.signal,
  });
  return fetched.bytes;
}

/** The URL of the whole image at the size for OCR, from the service's info.json. */
export async function serviceImageUrl(
  service: ImageService,
  what: string,
  options: ImageFetch,
): Promise<string> {
  const fetched = await options.fetcher.fetch(`${service.id}/info.json`, {
    what: `the image service of ${what} (info.json)`,
    accept: ["application/json"],
    signal: options.signal,
  });
  const info = readInfo(fetched.bytes, service);
  const v3 = service.type === "ImageService3";
  const size = chooseSize(info, options.longestSide);
  const full = size.width >= info.width && size.height >= info.height;
  const sizeParameter = full ? (v3 ? "max" : "full") : v3 ? `${size.width},${size.height}` : `${size.width},`;
  return `${service.id}/full/${sizeParameter}/0/default.jpg`;
}

function readInfo(bytes: Buffer, service: ImageService): ServiceInfo {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    json = undefined;
  }
  const width = isObject(json) ? numberOf(json.width) : undefined;
  const height = isObject(json) ? numberOf(json.height) : undefined;
  if (!isObject(json) || width === undefined || height === undefined)
    throw new Error(`the info.json of ${service.id} gives no width and height`);
  const profiles = [json.profile, service.profile].flat().filter((p): p is string => typeof p === "string");
  const maxWidth = numberOf(json.maxWidth);
  const maxHeight = numberOf(json.maxHeight);
  const maxArea = numberOf(json.maxArea);
  return {
    width,
    height,
    ...(maxWidth ? { maxWidth } : {}),
    ...(maxHeight ? { maxHeight } : {}),
    ...(maxArea ? { maxArea } : {}),
    sizes: objects(json.sizes).flatMap((size) => {
      const w = numberOf(size.width);
      const h = numberOf(size.height);
      return w && h ? [{ width: w, height: h }] : [];
    }),
    level0: profiles.some((profile) => /level0/.test(profile)),
  };
}

export function chooseSize(info: ServiceInfo, longestSide: number): { width: number; height: number } {
  if (info.level0) {
    const listed = [...info.sizes].sort((a, b) => b.width * b.height - a.width * a.height);
    const fitting = listed.find((size) => Math.max(size.width, size.height) <= longestSide);
    return fitting ?? listed.at(-1) ?? { width: info.width, height: info.height };
  }
  let scale = Math.min(1, longestSide / Math.max(info.width, info.height));
  if (info.maxWidth) scale = Math.min(scale, info.maxWidth / info.width);
  if (info.maxHeight) scale = Math.min(scale, info.maxHeight / info.height);
  if (info.maxArea) scale = Math.min(scale, Math.sqrt(info.maxArea / (info.width * info.height)));
  return {
    width: Math.max(1, Math.floor(info.width * scale)),
    height: Math.max(1, Math.floor(info.height * scale)),
  };
}
