/** What every XML importer (ALTO, PAGE, hOCR) produces: pages of blocks, lines and words. */
import type { Warning } from "../../types.js";
import type { SourceBlock } from "../compose-page.js";

export interface ImportedPage {
  /** Page size in pixels, the space of the boxes. */
  width?: number;
  height?: number;
  /** In reading order. */
  blocks: SourceBlock[];
}

export interface ImportedDocument {
  pages: ImportedPage[];
  warnings: Warning[];
}
