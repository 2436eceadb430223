/**
 * Where a source offset stands: its page and its line on that page (both 1-based), and where a
 * range stands on the page image: the union of the boxes of the words it covers, with the OCR
 * confidence of the least sure of them. Built once per document; lookups are binary searches.
 */
import type { Box, LayoutLine, Page } from "./types.js";

export interface Placement {
  bbox?: Box;
  /** Of a range over several lines: the union of its words on each line (a viewer outlines each). */
  lineBoxes?: Box[];
  /** Lowest confidence (0-1) of the covered words, where the source gives confidences. */
  confidence?: number;
}

export class TextLocator {
  private readonly lineStarts: number[];
  private readonly pageStarts: number[];

  constructor(
    text: string,
    private readonly pages: Page[],
  ) {
    this.pageStarts = pages.map((p) => p.start);
    this.lineStarts = [0];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
  }

  /** Page number of a UTF-16 offset (1 for documents without pages). */
  page(offset: number): number {
    return this.pageAt(offset)?.number ?? 1;
  }

  /**
   * Line number of a UTF-16 offset, counted from the top of its page: the layout's line where the
   * page has a layout (OCR and XML pages, whose blocks are set apart by blank lines), else the
   * count of line breaks.
   */
  line(offset: number): number {
    const lines = this.pageAt(offset)?.layout?.lines;
    if (lines && lines.length > 0) return lastAtOrBefore(lines, offset, (line) => line.start) + 1;
    const pageStart = this.pageStarts[lastAtOrBefore(this.pageStarts, offset, Number)] ?? 0;
    return (
      lastAtOrBefore(this.lineStarts, offset, Number) - lastAtOrBefore(this.lineStarts, pageStart, Number) + 1
    );
  }

  /** Box and confidence of the UTF-16 range [start, end), from the layout of the page it starts on. */
  place(start: number, end: number): Placement {
    const lines = this.pageAt(start)?.layout?.lines ?? [];
    const boxes: Box[] = [];
    const lineBoxes: Box[] = [];
    const confidences: number[] = [];
    for (let i = firstEndingAfter(lines, start); i < lines.length; i++) {
      const line = lines[i] as LayoutLine;
      if (line.start >= end) break;
      // A line boxed only as a whole stands for each of its words.
      const units = line.words.length > 0 ? line.words : [line];
      const onLine = boxes.length;
      for (const unit of units) {
        if (unit.start >= end || unit.end <= start) continue;
        if (unit.box) boxes.push(unit.box);
        if (unit.confidence !== undefined) confidences.push(unit.confidence);
      }
      const lineBox = union(boxes.slice(onLine));
      if (lineBox) lineBoxes.push(lineBox);
    }
    const bbox = union(boxes);
    return {
      ...(bbox ? { bbox } : {}),
      ...(lineBoxes.length > 1 ? { lineBoxes } : {}),
      ...(confidences.length > 0 ? { confidence: Math.min(...confidences) } : {}),
    };
  }

  private pageAt(offset: number): Page | undefined {
    return this.pages[lastAtOrBefore(this.pageStarts, offset, Number)];
  }
}

function union(boxes: Box[]): Box | undefined {
  if (boxes.length === 0) return undefined;
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x, y, width: right - x, height: bottom - y };
}

/** Index of the first line ending after `offset` (lines are in text order and do not overlap). */
function firstEndingAfter(lines: LayoutLine[], offset: number): number {
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((lines[middle] as LayoutLine).end <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Index of the last item whose key is <= target in an array ascending by key (0 when there is none). */
function lastAtOrBefore<T>(sorted: T[], target: number, key: (item: T) => number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = 0;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (key(sorted[middle] as T) <= target) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
