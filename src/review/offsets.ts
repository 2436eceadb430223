/**
 * Offsets a person gives: Unicode code points, half-open [start, end), into the result's text, as
 * every offset of the API (DESIGN §2). A boundary must fall between two characters as a reader sees
 * them: not inside a letter and its combining accents, nor inside an emoji sequence.
 */
import { PalimpsestError } from "../errors.js";
import { CodePointIndex } from "../text/code-points.js";

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export class ReviewText {
  private readonly index: CodePointIndex;

  constructor(readonly text: string) {
    this.index = new CodePointIndex(text);
  }

  get length(): number {
    return this.index.length;
  }

  /** The text of [start, end) in code points; INVALID_OFFSETS when it is not a range of the text. */
  slice(start: number, end: number, expected?: string): string {
    const refuse = (why: string, details: Record<string, unknown> = {}) =>
      new PalimpsestError(
        "INVALID_OFFSETS",
        `[${start}, ${end}) ${why}. Offsets are Unicode code points into the result's text (${this.length} long), start included, end excluded.`,
        { details: { start, end, characters: this.length, ...details } },
      );
    if (!(start < end)) throw refuse("is empty or reversed: end must be greater than start");
    if (end > this.length) throw refuse(`ends past the text`);
    if (!this.isBoundary(start) || !this.isBoundary(end))
      throw refuse(
        `cuts a character in two (a letter from its accents, or an emoji sequence): move ${this.isBoundary(start) ? "end" : "start"} by one`,
      );
    const text = this.text.slice(this.index.toUtf16(start), this.index.toUtf16(end));
    if (expected !== undefined && expected !== text)
      throw refuse(`is "${text}", not "${expected}" (were the offsets counted in UTF-16 units or bytes?)`, {
        expected: text,
      });
    return text;
  }

  /** The UTF-16 index of a code point offset. */
  toUtf16(offset: number): number {
    return this.index.toUtf16(offset);
  }

  /**
   * Whether a grapheme cluster begins at the offset, judged from the text around it: clusters are
   * short, so a window of WINDOW units either side decides, whatever the text's length.
   */
  private isBoundary(offset: number): boolean {
    if (offset === 0 || offset === this.length) return true;
    const at = this.index.toUtf16(offset);
    const from = Math.max(0, at - WINDOW);
    for (const { index } of graphemes.segment(this.text.slice(from, at + WINDOW))) {
      if (from + index === at) return true;
      if (from + index > at) return false;
    }
    return false;
  }
}

/** UTF-16 units either side of a boundary read to judge it: longer than any cluster in practice. */
const WINDOW = 64;
