/**
 * A page image's info.json (IIIF Image API 3.0): its size, the service's limits, whole-page sizes
 * and the tiles a deep-zoom viewer (OpenSeadragon, Mirador) asks for, each scale a power of two.
 */
import { IIIF_CONTEXT, type IiifInfo } from "../schemas/iiif.js";
import type { ImageLimits } from "./image-request.js";

export function iiifInfo(
  id: string,
  page: { width: number; height: number },
  limits: ImageLimits & { tileSize: number },
): IiifInfo {
  const { width, height } = page;
  // Down to the scale at which the whole page fits one tile.
  const scaleFactors = [1];
  while (Math.max(width, height) / (scaleFactors.at(-1) as number) > limits.tileSize)
    scaleFactors.push((scaleFactors.at(-1) as number) * 2);
  const sizes = scaleFactors
    .map((factor) => ({ width: Math.ceil(width / factor), height: Math.ceil(height / factor) }))
    .filter((size) => size.width <= limits.maxWidth && size.width * size.height <= limits.maxArea)
    .reverse();
  return {
    "@context": IIIF_CONTEXT,
    id,
    type: "ImageService3",
    protocol: "http://iiif.io/api/image",
    profile: "level1",
    width,
    height,
    maxWidth: limits.maxWidth,
    maxArea: limits.maxArea,
    sizes,
    tiles: [{ width: limits.tileSize, height: limits.tileSize, scaleFactors }],
    extraQualities: ["color", "gray"],
    extraFormats: ["png"],
    extraFeatures: [
      "regionByPct",
      "sizeByPct",
      "sizeByConfinedWh",
      "rotationBy90s",
      "baseUriRedirect",
      "jsonldMediaType",
    ],
  };
}
