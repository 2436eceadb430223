/**
 * hOCR (XHTML): elements are typed by their class (ocr_page, ocr_par, ocr_line, ocrx_word) and
 * carry their geometry in `title="bbox x0 y0 x1 y1; x_wconf 93"`. Tesseract's own OCR output is
 * hOCR, so this also reads what both OCR engines return. Lines without words (ocropy) are read as
 * whole lines.
 */
import type { Box } from "../../types.js";
import type { SourceBlock, SourceLine } from "../compose-page.js";
import { boxFromEdges, confidence } from "./geometry.js";
import type { ImportedDocument, ImportedPage } from "./imported.js";
import { walkXml } from "./walk-xml.js";

/** Tesseract 4+ types header, caption and floating-text lines apart from ordinary ones. */
const LINE_CLASSES = new Set(["ocr_line", "ocrx_line", "ocr_header", "ocr_caption", "ocr_textfloat"]);
const BLOCK_CLASSES = new Set(["ocr_carea", "ocr_par"]);

/** The HTML entities hOCR writers use; XML's own five are known to the parser already. */
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  nbsp: "\u00A0",
  shy: "\u00AD",
  ndash: "\u2013",
  mdash: "\u2014",
  lsquo: "\u2018",
  rsquo: "\u2019",
  ldquo: "\u201C",
  rdquo: "\u201D",
  laquo: "\u00AB",
  raquo: "\u00BB",
  hellip: "\u2026",
  sect: "\u00A7",
  para: "\u00B6",
  middot: "\u00B7",
  copy: "\u00A9",
};

interface Open<T> {
  depth: number;
  value: T;
}

export function importHocr(text: string): ImportedDocument {
  const pages: ImportedPage[] = [];
  let depth = 0;
  let page: Open<ImportedPage> | undefined;
  let block: Open<SourceBlock> | undefined;
  let line: Open<SourceLine> | undefined;
  /** Text of the current line outside its words: the whole line when it has no words. */
  let loose = "";
  let word: Open<{ text: string; box?: Box; confidence?: number }> | undefined;

  walkXml(
    text,
    {
      open(_name, attributes) {
        depth++;
        const classes = (attributes.class ?? "").split(/\s+/);
        const title = parseTitle(attributes.title ?? "");
        if (classes.includes("ocr_page")) {
          const value: ImportedPage = {
            ...(title.box
              ? { width: title.box.x + title.box.width, height: title.box.y + title.box.height }
              : {}),
            blocks: [],
          };
          pages.push(value);
          page = { depth, value };
          block = undefined;
        } else if (classes.some((name) => BLOCK_CLASSES.has(name))) {
          block = { depth, value: { lines: [] } };
          page?.value.blocks.push(block.value);
        } else if (classes.some((name) => LINE_CLASSES.has(name))) {
          if (!block) {
            block = { depth: depth - 1, value: { lines: [] } };
            page?.value.blocks.push(block.value);
          }
          line = { depth, value: { words: [], ...(title.box ? { box: title.box } : {}) } };
          loose = "";
          block.value.lines.push(line.value);
        } else if (classes.includes("ocrx_word") && line) {
          word = {
            depth,
            value: {
              text: "",
              ...(title.box ? { box: title.box } : {}),
              ...(title.confidence === undefined ? {} : { confidence: title.confidence }),
            },
          };
        }
      },
      close() {
        if (word?.depth === depth) {
          line?.value.words.push({ ...word.value, text: word.value.text.trim() });
          word = undefined;
        } else if (line?.depth === depth) {
          if (line.value.words.length === 0) line.value.text = loose.trim().replace(/\s+/g, " ");
          line = undefined;
        } else if (block?.depth === depth) {
          block = undefined;
        } else if (page?.depth === depth) {
          page = undefined;
        }
        depth--;
      },
      text(content) {
        if (word) word.value.text += content;
        else if (line) loose += content;
      },
    },
    { format: "hOCR", entities: HTML_ENTITIES },
  );
  return { pages, warnings: [] };
}

/** The bbox and x_wconf properties of an hOCR title. */
function parseTitle(title: string): { box?: Box; confidence?: number } {
  const result: { box?: Box; confidence?: number } = {};
  for (const property of title.split(";")) {
    const [key, ...values] = property.trim().split(/\s+/);
    if (key === "bbox" && values.length === 4) {
      const [x0, y0, x1, y1] = values.map(Number) as [number, number, number, number];
      const box = boxFromEdges(x0, y0, x1, y1);
      if (box) result.box = box;
    } else if (key === "x_wconf") {
      const value = confidence(Number(values[0]), 100);
      if (value !== undefined && !Number.isNaN(value)) result.confidence = value;
    }
  }
  return result;
}
