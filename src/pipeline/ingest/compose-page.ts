/**
 * Turns the blocks, lines and words an OCR engine or an ALTO / PAGE / hOCR file gives into one page
 * text and its layout, with every line's and word's offsets into that text. Every importer and the
 * OCR reader go through here, so all of them lay text out the same way: words joined by a space,
 * lines by a line break, blocks by a blank line (a paragraph boundary for the normaliser and the
 * chunker).
 */
import type { Box, LayoutLine, LayoutWord, PageLayout } from "../types.js";

/**
 * The start tag of the XML element a line or word was read from (UTF-16 offsets into the XML text),
 * so results can be written back into the file; `textOffset` is where the line's text starts in the
 * element's own text, in code points, when the element holds more than the line (a PAGE region
 * transcribed whole).
 */
export interface SourceTag {
  start: number;
  end: number;
  textOffset?: number;
}

export interface SourceWord {
  text: string;
  tag?: SourceTag;
  box?: Box;
  confidence?: number;
}

export interface SourceLine {
  words: SourceWord[];
  /**
   * The line's own transcription, where the format has one (PAGE's line TextEquiv). It is the text
   * used; words are then found in it, in order, and a word it does not contain gets no offsets.
   */
  text?: string;
  box?: Box;
  confidence?: number;
  tag?: SourceTag;
}

export interface SourceBlock {
  lines: SourceLine[];
}

/** Where lines and words were placed in the page's text (offsets relative to it), by source object. */
export type Placements = Map<SourceLine | SourceWord, { start: number; end: number }>;

export interface ComposedPage {
  text: string;
  /** Offsets relative to `text`. */
  layout: PageLayout;
}

const WORD_SEPARATOR = " ";
const LINE_SEPARATOR = "\n";
const BLOCK_SEPARATOR = "\n\n";

export function composePage(blocks: readonly SourceBlock[], placements?: Placements): ComposedPage {
  let text = "";
  const lines: LayoutLine[] = [];
  for (const block of blocks) {
    let blockStarted = false;
    for (const source of block.lines) {
      const lineText = source.text ?? source.words.map((word) => word.text).join(WORD_SEPARATOR);
      if (lineText.trim() === "") continue;
      if (text !== "") text += blockStarted ? LINE_SEPARATOR : BLOCK_SEPARATOR;
      blockStarted = true;
      const start = text.length;
      text += lineText;
      placements?.set(source, { start, end: text.length });
      lines.push({
        start,
        end: text.length,
        ...(source.box ? { box: source.box } : {}),
        ...(source.confidence === undefined ? {} : { confidence: source.confidence }),
        words: placeWords(source, lineText, start, placements),
      });
    }
  }
  return { text, layout: { lines } };
}

/** Offsets of the line's words: consecutive when the line text was made from them, searched otherwise. */
function placeWords(
  line: SourceLine,
  lineText: string,
  lineStart: number,
  placements: Placements | undefined,
): LayoutWord[] {
  const placed: LayoutWord[] = [];
  let cursor = 0;
  for (const word of line.words) {
    if (word.text === "") continue;
    const at = lineText.indexOf(word.text, cursor);
    if (at === -1) continue;
    cursor = at + word.text.length;
    placements?.set(word, { start: lineStart + at, end: lineStart + cursor });
    placed.push({
      start: lineStart + at,
      end: lineStart + cursor,
      ...(word.box ? { box: word.box } : {}),
      ...(word.confidence === undefined ? {} : { confidence: word.confidence }),
    });
  }
  return placed;
}
