/**
 * The image region of a mention, where the document came from page images (OCR, ALTO, PAGE, hOCR):
 * the mention's box and its page's size, in the page image's pixels. Text files and PDF text layers
 * have none. Read structurally, as optional fields of the result.
 */
import type { Extraction, OutputMention } from "../pipeline/extraction.js";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ImageRegion {
  page: number;
  box: Box;
  /** Size of the page image, when known. */
  pageWidth?: number;
  pageHeight?: number;
}

export function imageRegion(extraction: Extraction, mention: OutputMention): ImageRegion | undefined {
  const { bbox } = mention as OutputMention & { bbox?: Box };
  if (bbox === undefined) return undefined;
  const page = extraction.document.pages.find((p) => p.number === mention.page) as
    | { width?: number; height?: number }
    | undefined;
  return {
    page: mention.page,
    box: bbox,
    ...(page?.width === undefined ? {} : { pageWidth: page.width }),
    ...(page?.height === undefined ? {} : { pageHeight: page.height }),
  };
}
