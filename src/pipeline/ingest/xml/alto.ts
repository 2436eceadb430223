/**
 * ALTO v2-v4 (Layout/Page/PrintSpace/TextBlock/TextLine/String). Blocks and lines are read in
 * document order, which ALTO defines as the reading order; ComposedBlocks simply contain more
 * TextBlocks.
 *
 * Hyphenation: a word broken at a line end is String (SUBS_TYPE="HypPart1") + HYP + String
 * (HypPart2) on the next line. The text keeps it as printed, "Aufklä-\nrung", and the normaliser
 * joins it for the model. Where a producer writes HypPart1 without an HYP element, a soft hyphen
 * (U+00AD, invisible) marks the break, so the halves are still joined rather than read as two words.
 */
import type { Warning } from "../../types.js";
import type { SourceBlock, SourceLine, SourceWord } from "../compose-page.js";
import { boxFromEdges, confidence, numberAttribute, scaleBox } from "./geometry.js";
import type { ImportedDocument, ImportedPage } from "./imported.js";
import { walkXml } from "./walk-xml.js";

/** Resolution assumed to turn ALTO's physical units into pixels: ALTO does not record the scan's. */
const ASSUMED_DPI = 300;
/** Pixels per unit at ASSUMED_DPI. */
const UNIT_FACTORS: Record<string, number> = {
  pixel: 1,
  mm10: ASSUMED_DPI / 254,
  inch1200: ASSUMED_DPI / 1200,
};

const SOFT_HYPHEN = "\u00AD";

type Attributes = Readonly<Record<string, string>>;

export function importAlto(text: string): ImportedDocument {
  const pages: ImportedPage[] = [];
  const warnings: Warning[] = [];
  let unitText: string | undefined;
  let factor = 1;
  let page: ImportedPage | undefined;
  let block: SourceBlock | undefined;
  let line: (SourceLine & { brokenWord?: SourceWord }) | undefined;

  const box = (attributes: Attributes) => {
    const [x, y, width, height] = ["HPOS", "VPOS", "WIDTH", "HEIGHT"].map((name) =>
      numberAttribute(attributes[name]),
    );
    if (x === undefined || y === undefined || width === undefined || height === undefined) return undefined;
    const found = boxFromEdges(x, y, x + width, y + height);
    return found && scaleBox(found, factor);
  };

  walkXml(
    text,
    {
      open(name, attributes, tag) {
        switch (name) {
          case "MeasurementUnit":
            unitText = "";
            break;
          case "Page": {
            const width = numberAttribute(attributes.WIDTH);
            const height = numberAttribute(attributes.HEIGHT);
            page = {
              ...(width === undefined ? {} : { width: Math.round(width * factor) }),
              ...(height === undefined ? {} : { height: Math.round(height * factor) }),
              blocks: [],
            };
            pages.push(page);
            break;
          }
          case "TextBlock":
            block = { lines: [] };
            page?.blocks.push(block);
            break;
          case "TextLine": {
            const found = box(attributes);
            line = { words: [], ...(found ? { box: found } : {}), tag };
            block?.lines.push(line);
            break;
          }
          case "String": {
            if (!line) break;
            const found = box(attributes);
            const wordConfidence = confidence(numberAttribute(attributes.WC));
            const word: SourceWord = {
              text: attributes.CONTENT ?? "",
              tag,
              ...(found ? { box: found } : {}),
              ...(wordConfidence === undefined ? {} : { confidence: wordConfidence }),
            };
            line.words.push(word);
            line.brokenWord = attributes.SUBS_TYPE === "HypPart1" ? word : undefined;
            break;
          }
          case "HYP": {
            const last = line?.words.at(-1);
            if (line && last) {
              last.text += attributes.CONTENT || "-";
              line.brokenWord = undefined;
            }
            break;
          }
        }
      },
      close(name) {
        if (name === "MeasurementUnit" && unitText !== undefined) {
          factor = unitFactor(unitText.trim(), warnings);
          unitText = undefined;
        } else if (name === "TextLine" && line) {
          if (line.brokenWord) line.brokenWord.text += SOFT_HYPHEN;
          line = undefined;
        } else if (name === "TextBlock") {
          block = undefined;
        } else if (name === "Page") {
          page = undefined;
        }
      },
      text(content) {
        if (unitText !== undefined) unitText += content;
      },
    },
    { format: "ALTO" },
  );
  return { pages, warnings };
}

function unitFactor(unit: string, warnings: Warning[]): number {
  const factor = UNIT_FACTORS[unit];
  if (factor === undefined) {
    warnings.push({
      code: "ALTO_UNKNOWN_UNIT",
      message: `The ALTO MeasurementUnit "${unit}" is unknown; coordinates are taken as pixels.`,
    });
    return 1;
  }
  if (unit !== "pixel")
    warnings.push({
      code: "ALTO_UNIT_CONVERTED",
      message: `The ALTO coordinates are in ${unit}; they are converted to pixels assuming a ${ASSUMED_DPI} dpi scan, as ALTO does not record the resolution.`,
    });
  return factor;
}
