/** Sets of Unicode code points as sorted, disjoint, non-adjacent inclusive ranges. */

export type Range = readonly [number, number];

export const MAX_CODE_POINT = 0x10ffff;

export class CodePointSet {
  readonly ranges: readonly Range[];

  private constructor(ranges: readonly Range[]) {
    this.ranges = ranges;
  }

  static of(...ranges: readonly (Range | number)[]): CodePointSet {
    const sorted = ranges
      .map((range): Range => (typeof range === "number" ? [range, range] : range))
      .sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [low, high] of sorted) {
      const last = merged.at(-1);
      if (last !== undefined && low <= last[1] + 1) last[1] = Math.max(last[1], high);
      else merged.push([low, high]);
    }
    return new CodePointSet(merged);
  }

  static readonly EMPTY = CodePointSet.of();
  static readonly ALL = CodePointSet.of([0, MAX_CODE_POINT]);

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** The one code point of a single-element set. */
  get single(): number | undefined {
    const [only, ...rest] = this.ranges;
    return only !== undefined && rest.length === 0 && only[0] === only[1] ? only[0] : undefined;
  }

  union(other: CodePointSet): CodePointSet {
    return CodePointSet.of(...this.ranges, ...other.ranges);
  }

  complement(): CodePointSet {
    const ranges: Range[] = [];
    let next = 0;
    for (const [low, high] of this.ranges) {
      if (low > next) ranges.push([next, low - 1]);
      next = high + 1;
    }
    if (next <= MAX_CODE_POINT) ranges.push([next, MAX_CODE_POINT]);
    return new CodePointSet(ranges);
  }

  intersect(other: CodePointSet): CodePointSet {
    return this.complement().union(other.complement()).complement();
  }

  minus(other: CodePointSet): CodePointSet {
    return this.intersect(other.complement());
  }
}
