/**
 * ALTO, PAGE and hOCR files: their text, in reading order, with the lines, words, boxes and
 * confidences they hold, as pages of a document. Each format's importer turns the XML into pages of
 * blocks, lines and words; they are laid out here the same way for all of them.
 */
import { PalimpsestError } from "../../../errors.js";
import type { XmlReading } from "../../types.js";
import { composePage, type Placements } from "../compose-page.js";
import type { ReadDocument } from "../input-format.js";
import { layoutPages, type PageText } from "../pages.js";
import type { ImportedDocument, ImportedPage } from "./imported.js";

export interface XmlImporter {
  /** The format's name in messages: "ALTO". */
  name: string;
  /** What the pages' `reading.method` says. */
  reading: XmlReading;
  read(text: string): ImportedDocument;
}

/**
 * `placements`, when given, receives where each line and word of the import stands in the document's
 * text (UTF-16 offsets), for writing results back into the file.
 */
export function readXml(
  importer: XmlImporter,
  text: string,
  maxPages: number,
  placements?: Placements,
): ReadDocument {
  const imported = importer.read(text);
  if (imported.pages.length > maxPages)
    throw new PalimpsestError(
      "TOO_MANY_PAGES",
      `The ${importer.name} file has ${imported.pages.length} pages; at most ${maxPages} are read from one document. Split it into smaller parts.`,
      { details: { pages: imported.pages.length, maxPages } },
    );
  const pagePlacements = imported.pages.map((): Placements => new Map());
  const pages = imported.pages.map((page, index) => xmlPageText(importer, page, pagePlacements[index]));
  if (pages.every((page) => page.text.trim() === ""))
    throw new PalimpsestError(
      "EMPTY_DOCUMENT",
      `The ${importer.name} file contains no text: it has ${pages.length} page(s) but no transcribed words or lines (layout only, or an export made before recognition).`,
    );
  const laidOut = layoutPages(pages);
  if (placements)
    laidOut.pages.forEach((page, index) => {
      for (const [item, range] of pagePlacements[index] ?? [])
        placements.set(item, { start: range.start + page.start, end: range.end + page.start });
    });
  return { ...laidOut, warnings: imported.warnings };
}

/** One imported page laid out as a page's text (a METS package reads its pages one file at a time). */
export function xmlPageText(
  importer: XmlImporter,
  { width, height, blocks }: ImportedPage,
  placements?: Placements,
): PageText {
  const { text, layout } = composePage(blocks, placements);
  return {
    text,
    needsOcr: false,
    ...(width ? { width } : {}),
    ...(height ? { height } : {}),
    reading: { method: importer.reading },
    layout,
  };
}
