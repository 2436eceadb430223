/**
 * ALTO, PAGE and hOCR files: their text, in reading order, with the lines, words, boxes and
 * confidences they hold, as pages of a document.
 */
import { PalimpsestError } from "../../../errors.js";
import type { Warning } from "../../types.js";
import { composePage } from "../compose-page.js";
import type { PageText } from "../pages.js";
import { importAlto } from "./alto.js";
import type { XmlFormat } from "./detect.js";
import { importHocr } from "./hocr.js";
import type { ImportedDocument } from "./imported.js";
import { importPageXml } from "./page-xml.js";

const IMPORTERS: Record<XmlFormat, { name: string; read: (text: string) => ImportedDocument }> = {
  alto: { name: "ALTO", read: importAlto },
  page: { name: "PAGE", read: importPageXml },
  hocr: { name: "hOCR", read: importHocr },
};

const READING = { alto: "alto", page: "page-xml", hocr: "hocr" } as const;

export function readXml(
  format: XmlFormat,
  text: string,
  maxPages: number,
): { pages: PageText[]; warnings: Warning[] } {
  const importer = IMPORTERS[format];
  const imported = importer.read(text);
  if (imported.pages.length > maxPages)
    throw new PalimpsestError(
      "TOO_MANY_PAGES",
      `The ${importer.name} file has ${imported.pages.length} pages; at most ${maxPages} are read from one document. Split it into smaller parts.`,
      { details: { pages: imported.pages.length, maxPages } },
    );
  const pages = imported.pages.map(({ width, height, blocks }): PageText => {
    const { text: pageText, layout } = composePage(blocks);
    return {
      text: pageText,
      needsOcr: false,
      ...(width ? { width } : {}),
      ...(height ? { height } : {}),
      reading: { method: READING[format] },
      layout,
    };
  });
  if (pages.every((page) => page.text.trim() === ""))
    throw new PalimpsestError(
      "EMPTY_DOCUMENT",
      `The ${importer.name} file contains no text: it has ${pages.length} page(s) but no transcribed words or lines (layout only, or an export made before recognition).`,
    );
  return { pages, warnings: imported.warnings };
}
