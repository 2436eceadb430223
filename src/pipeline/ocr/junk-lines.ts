/**
 * What OCR read that is not the page's text, dropped before the text is laid out, so that no dropped
 * word reaches the document's text, its offsets, the model or an export:
 *
 * - words outside the text area (text-area.ts): the binding, the page edge, rulers, colour charts;
 *   a line left without words goes with them, and a line that keeps some is boxed around those;
 * - junk lines inside it, which an engine makes of a printed rule, a smudge or the text showing
 *   through from the other side of the leaf: lines with no sure word, whose characters were read at a
 *   mean confidence below OCR_JUNK_LINE_CONFIDENCE. Lines shorter than
 *   OCR_JUNK_LINE_MIN_CHARACTERS are kept whatever their confidence: a year, a page number, a
 *   signature mark read badly is still text, and a short junk line costs little.
 *
 * Both rules only drop what the engine was unsure of or what lies away from everything it was sure
 * of; a page with too little sure text to find its area is kept whole.
 */
import type { SourceBlock, SourceLine, SourceWord } from "../ingest/compose-page.js";
import type { Box } from "../types.js";
import { centreInside, findTextArea, isSureWord, type TextAreaSettings } from "./text-area.js";

export interface JunkSettings extends TextAreaSettings {
  /** OCR_TEXT_AREA: false keeps the words outside the text area. */
  textArea: boolean;
  /** OCR_JUNK_LINE_CONFIDENCE: 0 keeps every line. */
  lineConfidence: number;
  /** OCR_JUNK_LINE_MIN_CHARACTERS */
  lineMinCharacters: number;
}

export interface Sifted {
  blocks: SourceBlock[];
  /** The text area found, in the blocks' pixels (absent when the rule is off or the page has too little sure text). */
  textArea?: Box;
  /** Lines dropped whole, and words dropped in all (those of the dropped lines included). */
  dropped: { lines: number; words: number };
}

export function dropJunk(blocks: readonly SourceBlock[], settings: JunkSettings): Sifted {
  const textArea = settings.textArea ? findTextArea(blocks, settings) : undefined;
  const dropped = { lines: 0, words: 0 };
  const sifted: SourceBlock[] = [];
  for (const block of blocks) {
    const lines: SourceLine[] = [];
    for (const line of block.lines) {
      const kept = textArea ? keepInside(line, textArea) : line;
      dropped.words += line.words.length - kept.words.length;
      if (kept.words.length === 0 && line.words.length > 0) {
        dropped.lines++;
      } else if (isJunkLine(kept, settings)) {
        dropped.lines++;
        dropped.words += kept.words.length;
      } else {
        lines.push(kept);
      }
    }
    if (lines.length > 0) sifted.push({ ...block, lines });
  }
  return { blocks: sifted, ...(textArea ? { textArea } : {}), dropped };
}

/** The line with its words outside the area left out, boxed around what is left. */
function keepInside(line: SourceLine, area: Box): SourceLine {
  const words = line.words.filter((word) => !word.box || centreInside(word.box, area));
  if (words.length === line.words.length) return line;
  const box = unionOf(words);
  const { box: _, ...rest } = line;
  return { ...rest, words, ...(box ? { box } : {}) };
}

function isJunkLine(line: SourceLine, settings: JunkSettings): boolean {
  if (settings.lineConfidence <= 0 || line.words.some((word) => isSureWord(word, settings.sureConfidence)))
    return false;
  let characters = 0;
  let weighted = 0;
  for (const word of line.words) {
    const length = word.text.replace(/\s/g, "").length;
    characters += length;
    weighted += length * (word.confidence ?? 1);
  }
  return characters >= settings.lineMinCharacters && weighted / characters < settings.lineConfidence;
}

function unionOf(words: readonly SourceWord[]): Box | undefined {
  const boxes = words.flatMap((word) => word.box ?? []);
  if (boxes.length === 0) return undefined;
  const x = Math.min(...boxes.map((box) => box.x));
  const y = Math.min(...boxes.map((box) => box.y));
  return {
    x,
    y,
    width: Math.max(...boxes.map((box) => box.x + box.width)) - x,
    height: Math.max(...boxes.map((box) => box.y + box.height)) - y,
  };
}
