/**
 * Where a range a person marked stands: its page and its line on the page, counted as the pipeline
 * counts them for the model's mentions (pipeline/locate.ts): on pages read with a layout (OCR, ALTO,
 * PAGE, hOCR), the layout's lines, which the text sets apart by line breaks and its blocks by blank
 * lines; on other pages, every line break. The words' boxes are not kept with a result, so such a
 * range has no box.
 */
import type { Extraction, OutputPage } from "../pipeline/extraction.js";
import type { ReviewText } from "./offsets.js";

export function placeRange(
  extraction: Extraction,
  text: ReviewText,
  start: number,
): { page: number; line: number } {
  const page = pageAt(extraction.document.pages, start);
  const pageStart = page?.start ?? 0;
  const before = text.text.slice(text.toUtf16(pageStart), text.toUtf16(start)).split("\n");
  const laidOut = page?.reading !== undefined && page.reading.method !== "text-layer";
  const line = laidOut ? before.slice(0, -1).filter((part) => part.trim() !== "").length + 1 : before.length;
  return { page: page?.number ?? 1, line };
}

/** The last page starting at or before the offset (a result without pages is one page). */
function pageAt(pages: readonly OutputPage[], offset: number): OutputPage | undefined {
  let found: OutputPage | undefined;
  for (const page of pages) {
    if (page.start > offset) break;
    found = page;
  }
  return found;
}
