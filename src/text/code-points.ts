/**
 * Conversion between JavaScript string indices (UTF-16 code units) and Unicode code point offsets.
 *
 * The pipeline slices strings by UTF-16 index; the API reports code points (DESIGN §2). Characters
 * outside the BMP (Fraktur letters 𝔊, emoji) take two UTF-16 units but one code point, so the two
 * offsets drift apart after the first such character. Both tables are built once in O(n) so each
 * conversion is a lookup.
 */
export class CodePointIndex {
  /** codePointAt[u] = number of code points before UTF-16 index u (length: text.length + 1). */
  private readonly codePointAtUnit: Int32Array;
  /** unitAt[c] = UTF-16 index of code point c (length: code point count + 1). */
  private readonly unitAtCodePoint: Int32Array;

  constructor(text: string) {
    const units = text.length;
    this.codePointAtUnit = new Int32Array(units + 1).fill(-1);
    const unitAt: number[] = [];
    let unit = 0;
    while (unit < units) {
      this.codePointAtUnit[unit] = unitAt.length;
      unitAt.push(unit);
      unit += isSurrogatePairAt(text, unit) ? 2 : 1;
    }
    this.codePointAtUnit[units] = unitAt.length;
    unitAt.push(units);
    this.unitAtCodePoint = Int32Array.from(unitAt);
  }

  /** Number of code points in the text. */
  get length(): number {
    return this.unitAtCodePoint.length - 1;
  }

  /**
   * Code point offset of a UTF-16 index. Throws for an index outside the text or between the two
   * halves of a surrogate pair: such an offset would cut a character, which is always a bug upstream.
   */
  toCodePoint(utf16: number): number {
    const codePoint = Number.isInteger(utf16) ? this.codePointAtUnit[utf16] : undefined;
    if (codePoint === undefined || codePoint < 0) {
      throw new RangeError(`UTF-16 index ${utf16} is not a character boundary of this text`);
    }
    return codePoint;
  }

  /** UTF-16 index of a code point offset (0..length inclusive). */
  toUtf16(codePoint: number): number {
    const unit = Number.isInteger(codePoint) ? this.unitAtCodePoint[codePoint] : undefined;
    if (unit === undefined) {
      throw new RangeError(`code point offset ${codePoint} is outside this text (length ${this.length})`);
    }
    return unit;
  }
}

/**
 * Code points [start, end) of the text, read in one pass up to `end`: for one slice of a long text,
 * where the index's tables would cost more than the slice.
 */
export function sliceCodePoints(text: string, start: number, end: number): string {
  let unit = 0;
  let from: number | undefined;
  for (let point = 0; point < end && unit < text.length; point++) {
    if (point === start) from = unit;
    unit += isSurrogatePairAt(text, unit) ? 2 : 1;
  }
  return from === undefined ? "" : text.slice(from, unit);
}

function isSurrogatePairAt(text: string, index: number): boolean {
  const high = text.charCodeAt(index);
  if (high < 0xd800 || high > 0xdbff) return false;
  const low = text.charCodeAt(index + 1);
  return low >= 0xdc00 && low <= 0xdfff;
}
