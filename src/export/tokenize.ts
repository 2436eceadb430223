/**
 * The tokenisation of plain HIPE TSV exports (documents without gold tokens): a token is a run of
 * letters, digits and combining marks, or any other single non-space character ("M", ".",
 * "Hagenbeck", ","); a token is also cut wherever a mention starts or ends, so every mention is a
 * whole number of tokens. MISC says how the token is followed: `NoSpaceAfter` when the next token
 * follows at once, `EndOfLine` when a line break comes before it, `_` otherwise. Runs of blanks and
 * blank lines are not kept: the text rebuilt from the tokens has one space or one line break there.
 */
import { CodePointIndex } from "../text/code-points.js";

export interface PlainToken {
  text: string;
  /** Code points, half-open, into the text. */
  start: number;
  end: number;
  misc: "NoSpaceAfter" | "EndOfLine" | "_";
}

const TOKEN = /[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu;

/** `cuts` are code point offsets where a token must end and the next begin. */
export function tokenize(text: string, cuts: number[]): PlainToken[] {
  const index = new CodePointIndex(text);
  const cutUnits = [...new Set(cuts)].map((cut) => index.toUtf16(cut)).sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const match of text.matchAll(TOKEN)) {
    let start = match.index;
    const end = start + match[0].length;
    for (const cut of cutUnits) {
      if (cut <= start || cut >= end) continue;
      ranges.push([start, cut]);
      start = cut;
    }
    ranges.push([start, end]);
  }
  return ranges.map(([start, end], i) => {
    const gap = text.slice(end, ranges[i + 1]?.[0] ?? end);
    return {
      text: text.slice(start, end),
      start: index.toCodePoint(start),
      end: index.toCodePoint(end),
      misc:
        i === ranges.length - 1
          ? "_"
          : gap === ""
            ? "NoSpaceAfter"
            : /[\n\r\u2028\u2029]/.test(gap)
              ? "EndOfLine"
              : "_",
    };
  });
}
