/**
 * The text area of a page read by OCR: where the words the engine is sure of stand. Scans carry more
 * than the page's text: the dark binding, the page edge, the neighbouring page, rulers and colour
 * charts, which the engine reads as strings of junk (`= SENI "gn`), alone or glued to the ends of
 * real lines. Real text is what the engine reads with confidence: the words of three letters or more
 * read at OCR_TEXT_CONFIDENCE (anchors). Anchors within NEIGHBOUR_DISTANCE line heights of one
 * another form groups: the body of the page with its headings, notes and page number is one, a
 * facing page in a spread another of like size, while a colour chart's label ("Kodak Gray Scale") or
 * a confident word in the page edge is a small group far from the rest. The area is the box around
 * the groups of at least MAIN_SHARE of the largest one's anchors, widened by OCR_TEXT_AREA_MARGIN line
 * heights so that the lines next to the body that the engine reads badly (running head, catchword)
 * stay in.
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
/** With fewer anchors, a page has too little text to tell its body from its margins. */
const MIN_ANCHORS = 3;
/** How near an anchor must be to another (the gap between their boxes), in line heights, to be of its group. */
const NEIGHBOUR_DISTANCE = 8;
/** A group of anchors is text when it has at least this share of the largest group's anchors. */
const MAIN_SHARE = 0.2;

const LETTER = /\p{L}/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** A word the engine is sure of: a letter or digit in it, read at `sureConfidence` or more. */
export function isSureWord(word: SourceWord, sureConfidence: number): boolean {
  return (word.confidence ?? 0) >= sureConfidence && LETTER_OR_DIGIT.test(word.text);
}

/** The area of the page the text stands in, in the blocks' pixels; undefined when too little is sure. */
export function findTextArea(blocks: readonly SourceBlock[], settings: TextAreaSettings): Box | undefined {
  const candidates: Box[] = [];
  for (const block of blocks)
    for (const line of block.lines)
      for (const word of line.words)
        if (
          word.box &&
          (word.confidence ?? 0) >= settings.sureConfidence &&
          (word.text.match(LETTER)?.length ?? 0) >= ANCHOR_LETTERS
        )
          candidates.push(word.box);
  if (candidates.length < MIN_ANCHORS) return undefined;
  const heights = candidates.map((box) => box.height).sort((a, b) => a - b);
  const lineHeight = heights[Math.floor(heights.length / 2)] as number;
  const groups = groupsOf(candidates, NEIGHBOUR_DISTANCE * lineHeight);
  const largest = Math.max(...groups.map((group) => group.length));
  // A lone anchor is never a group of text: text comes in lines and paragraphs.
  const least = Math.max(2, MAIN_SHARE * largest);
  const anchors = groups.filter((group) => group.length >= least).flat();
  if (anchors.length < MIN_ANCHORS) return undefined;
  const reach = settings.margin * lineHeight;
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

/** The boxes in groups: two boxes at most `distance` apart (on both axes) are of one group. */
function groupsOf(boxes: readonly Box[], distance: number): Box[][] {
  const byTop = [...boxes].sort((a, b) => a.y - b.y);
  const parent = byTop.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  for (let i = 0; i < byTop.length; i++) {
    const a = byTop[i] as Box;
    // Sorted by top: once a box starts too far below a, so do all after it.
    for (let j = i + 1; j < byTop.length && (byTop[j] as Box).y - (a.y + a.height) <= distance; j++) {
      const b = byTop[j] as Box;
      if (Math.max(a.x - (b.x + b.width), b.x - (a.x + a.width)) <= distance) parent[root(j)] = root(i);
    }
  }
  const groups = new Map<number, Box[]>();
  byTop.forEach((box, i) => {
    const group = groups.get(root(i)) ?? [];
    group.push(box);
    groups.set(root(i), group);
  });
  return [...groups.values()];
}

/** Whether a box's centre lies in the area. */
export function centreInside(box: Box, area: Box): boolean {
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  return x >= area.x && x <= area.x + area.width && y >= area.y && y <= area.y + area.height;
}
