/**
 * Lays page texts end to end into one document text and records where each page stands, so every
 * offset found later can be traced to its page. A page's layout comes with offsets into its own text
 * and is moved to document offsets here.
 */
import type { Canvas, LayoutLine, Page, PageLayout, PageReading } from "../types.js";

/** A blank line: the normaliser keeps it as a paragraph boundary, so no paragraph spans two pages. */
export const PAGE_SEPARATOR = "\n\n";

export interface PageText {
  text: string;
  needsOcr: boolean;
  width?: number;
  height?: number;
  reading?: PageReading;
  /** Offsets relative to `text`. */
  layout?: PageLayout;
  canvas?: Canvas;
}

export function layoutPages(pageTexts: readonly PageText[]): { text: string; pages: Page[] } {
  const pages: Page[] = [];
  let offset = 0;
  pageTexts.forEach(({ text, layout, ...rest }, index) => {
    if (index > 0) offset += PAGE_SEPARATOR.length;
    const page: Page = { number: index + 1, start: offset, end: offset + text.length, ...rest };
    if (layout !== undefined) page.layout = { lines: layout.lines.map((line) => shiftLine(line, offset)) };
    pages.push(page);
    offset += text.length;
  });
  return { text: pageTexts.map(({ text }) => text).join(PAGE_SEPARATOR), pages };
}

function shiftLine(line: LayoutLine, by: number): LayoutLine {
  return {
    ...line,
    start: line.start + by,
    end: line.end + by,
    words: line.words.map((word) => ({ ...word, start: word.start + by, end: word.end + by })),
  };
}
