/**
 * The text area of a page read by OCR: where the words the engine is sure of stand. Scans carry more
 * than the page's text: the dark binding, the page edge, the neighbouring page, rulers and colour
 * charts, which the engine reads as strings of junk (`= SENI "gn`), alone or glued to the ends of
 * real lines. Real text is what the engine reads with confidence; the area is the box around every
 * word of three letters or more read at OCR_TEXT_CONFIDENCE, widened by OCR_TEXT_AREA_MARGIN line
 * heights so that the lines next to the body (running head, page number, catchword) stay in.
 *
 * The union, not a main column: marginal notes and second columns read with confidence are text.
 */
import type { SourceBlock, SourceWord } from "../ingest/compose-page.js";
import type { Box } from "../types.js";

export interface TextAreaSettings {
  /** OCR_TEXT_CONFIDENCE: a word read at this confidence or more (0-1) is sure. */
  sureConfidence: number;
  /** OCR_TEXT_AREA_MARGIN: how far, in line heights, the area reaches past its sure words. */
  margin: number;
}

/** Shorter words are too often a speck or a stroke of the binding read as a letter or two. */
const ANCHOR_LETTERS = 3;
/** With fewer sure words, a page has too little text to tell its body from its margins. */
const MIN_ANCHORS = 3;

const LETTER = /\p{L}/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** A word the engine is sure of: a letter or digit in it, read at `sureConfidence` or more. */
export function isSureWord(word: SourceWord, sureConfidence: number): boolean {
  return (word.confidence ?? 0) >= sureConfidence && LETTER_OR_DIGIT.test(word.text);
}

/** The area of the page the text stands in, in the blocks' pixels; undefined when too little is sure. */
export function findTextArea(blocks: readonly SourceBlock[], settings: TextAreaSettings): Box | undefined {
  const anchors: Box[] = [];
  for (const block of blocks)
    for (const line of block.lines)
      for (const word of line.words)
        if (
          word.box &&
          (word.confidence ?? 0) >= settings.sureConfidence &&
          (word.text.match(LETTER)?.length ?? 0) >= ANCHOR_LETTERS
        )
          anchors.push(word.box);
  if (anchors.length < MIN_ANCHORS) return undefined;
  const heights = anchors.map((box) => box.height).sort((a, b) => a - b);
  const reach = settings.margin * (heights[Math.floor(heights.length / 2)] as number);
  const left = Math.max(0, Math.min(...anchors.map((box) => box.x)) - reach);
  const top = Math.max(0, Math.min(...anchors.map((box) => box.y)) - reach);
  const right = Math.max(...anchors.map((box) => box.x + box.width)) + reach;
  const bottom = Math.max(...anchors.map((box) => box.y + box.height)) + reach;
  return {
    x: Math.floor(left),
    y: Math.floor(top),
    width: Math.ceil(right) - Math.floor(left),
    height: Math.ceil(bottom) - Math.floor(top),
  };
}

/** Whether a box's centre lies in the area. */
export function centreInside(box: Box, area: Box): boolean {
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  return x >= area.x && x <= area.x + area.width && y >= area.y && y <= area.y + area.height;
}
