/**
 * Lays page texts end to end into one document text and records where each page stands, so every
 * offset found later can be traced to its page. The OCR stage reuses this when it fills pages in.
 */
import type { Page } from "../types.js";

/** A blank line: the normaliser keeps it as a paragraph boundary, so no paragraph spans two pages. */
export const PAGE_SEPARATOR = "\n\n";

export interface PageText {
  text: string;
  needsOcr: boolean;
}

export function layoutPages(pageTexts: readonly PageText[]): { text: string; pages: Page[] } {
  const pages: Page[] = [];
  let offset = 0;
  pageTexts.forEach(({ text, needsOcr }, index) => {
    if (index > 0) offset += PAGE_SEPARATOR.length;
    pages.push({ number: index + 1, start: offset, end: offset + text.length, needsOcr });
    offset += text.length;
  });
  return { text: pageTexts.map(({ text }) => text).join(PAGE_SEPARATOR), pages };
}
