/**
 * Where a source offset stands: its page and its line on that page (both 1-based).
 * Built once per document; lookups are binary searches.
 */
import type { Page } from "./types.js";

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
    return this.pages[lastAtOrBefore(this.pageStarts, offset)]?.number ?? 1;
  }

  /** Line number of a UTF-16 offset, counted from the top of its page. */
  line(offset: number): number {
    const pageStart = this.pageStarts[lastAtOrBefore(this.pageStarts, offset)] ?? 0;
    return lastAtOrBefore(this.lineStarts, offset) - lastAtOrBefore(this.lineStarts, pageStart) + 1;
  }
}

/** Index of the last value <= target in an ascending array (0 when there is none). */
function lastAtOrBefore(sorted: number[], target: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = 0;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as number) <= target) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
