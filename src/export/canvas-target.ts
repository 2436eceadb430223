/**
 * Where a mention stands on the IIIF canvas its page came from (documents read from a manifest): its
 * box scaled from the page image's pixels to the canvas's coordinates, as a W3C Media Fragments
 * selector (`xywh=x,y,w,h`), the target IIIF viewers draw. A page read from the manifest's own text
 * annotations is the canvas already; a page read by OCR is the image fetched, often smaller.
 */
import type { Extraction, OutputMention } from "../pipeline/extraction.js";
import type { Canvas } from "../pipeline/types.js";
import { imageRegion } from "./region.js";

export const MEDIA_FRAGMENTS = "http://www.w3.org/TR/media-frags/";

export interface CanvasRegion {
  canvas: Canvas;
  /** x, y, width, height in canvas coordinates, whole numbers. */
  xywh: [number, number, number, number];
}

export function canvasRegion(extraction: Extraction, mention: OutputMention): CanvasRegion | undefined {
  const region = imageRegion(extraction, mention);
  if (region === undefined) return undefined;
  const canvas = extraction.document.pages.find((page) => page.number === region.page)?.canvas;
  if (canvas === undefined) return undefined;
  const scaleX = canvas.width / (region.pageWidth ?? canvas.width);
  const scaleY = canvas.height / (region.pageHeight ?? canvas.height);
  const { x, y, width, height } = region.box;
  const left = Math.round(x * scaleX);
  const top = Math.round(y * scaleY);
  return {
    canvas,
    xywh: [
      left,
      top,
      Math.max(1, Math.round((x + width) * scaleX) - left),
      Math.max(1, Math.round((y + height) * scaleY) - top),
    ],
  };
}

/** The W3C target of a region of a canvas: the canvas as source, the region as a fragment selector. */
export function canvasTarget({ canvas, xywh }: CanvasRegion) {
  return {
    type: "SpecificResource",
    source: canvas.id,
    selector: { type: "FragmentSelector", conformsTo: MEDIA_FRAGMENTS, value: `xywh=${xywh.join(",")}` },
  };
}
