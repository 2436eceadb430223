/**
 * Folding for matching: the one place that decides which spelling differences do not count when a
 * mention is looked up in a text (case, diacritics, long s, ligatures, quotes, dashes, whitespace,
 * hyphenation at line ends, invisible format characters).
 *
 * The folded text keeps a map back to the input so a hit in folded text becomes a range of the
 * input. A base character and its combining marks fold as one unit, so a mapped range never splits
 * "e\u0301" or a surrogate pair; characters that fold to nothing (a line-end hyphen with its line
 * break, a soft hyphen, a zero-width space) belong to no folded character.
 */
export interface FoldedText {
  text: string;
  /**
   * toInput[i] is the input index where the unit that produced folded character i starts; it has
   * text.length + 1 entries, the last being the input length. Monotonic non-decreasing.
   */
  toInput: Int32Array;
  /** toInputEnd[i] is the input index where the unit that produced folded character i ends. */
  toInputEnd: Int32Array;
}

/** Characters whose folding is a matter of convention rather than Unicode decomposition. */
const SPECIAL: Record<string, string> = {
  æ: "ae",
  œ: "oe",
  ß: "ss",
  ø: "o",
  ł: "l",
  đ: "d",
  ı: "i",
  ꝛ: "r",
  ς: "σ",
  "\u2018": "'",
  "\u2019": "'",
  "\u201a": "'",
  "\u201b": "'",
  "\u02bc": "'",
  "\u2032": "'",
  "\u00b4": "'",
  "`": "'",
  "\u201c": '"',
  "\u201d": '"',
  "\u201e": '"',
  "\u201f": '"',
  "\u00ab": '"',
  "\u00bb": '"',
  "\u2033": '"',
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2015": "-",
  "\u2212": "-",
  "\u2e17": "-",
};

/** Hyphens that split a word at a line end: - ‐ ¬ ⸗, "=" (how transcriptions type ⸗), the soft hyphen. */
const LINE_END_HYPHENS = new Set(["-", "\u2010", "\u00ac", "\u2e17", "=", "\u00ad"]);
/**
 * Of those, the ones that only ever split a word (¬ and ⸗ are no hyphens of running text): they join
 * across any blank, so "Bra¬ bant", as a model copies "Bra¬\nbant" with its line break turned into a
 * space, still folds to "brabant". "-" needs the line break: "Nord- und Süddeutschland" is German.
 */
const WORD_BREAK_ONLY_HYPHENS = new Set(["\u00ac", "\u2e17"]);

const COMBINING_MARK = /\p{M}/u;
const COMBINING_MARKS = /\p{M}/gu;
const FORMAT_CHARACTER = /^\p{Cf}$/u;
const WHITESPACE = /\s/;
const LETTER = /\p{L}/u;

/** Folded units seen so far; a text's alphabet is small, the cap only guards against odd input. */
const unitCache = new Map<string, string>();
const UNIT_CACHE_LIMIT = 4096;

export function fold(input: string): FoldedText {
  const work = folding(input);
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/** Input characters folded between two pauses of `folding`. */
const FOLD_PIECE = 16_384;

/**
 * fold() as work in pieces: it pauses (yields) every FOLD_PIECE input characters, so a caller can
 * hand the event loop a turn while a long document is folded.
 */
export function* folding(input: string): Generator<void, FoldedText, void> {
  // The text is joined a piece at a time and the maps kept in typed arrays, so that finishing a long
  // document is no long pause of its own.
  const pieces: string[] = [];
  let out: string[] = [];
  let starts: Int32Array = new Int32Array(input.length + 1);
  let ends: Int32Array = new Int32Array(input.length + 1);
  let length = 0;
  let lastOut = "";

  const emit = (folded: string, start: number, end: number): void => {
    for (const char of folded) {
      const isSpace = WHITESPACE.test(char);
      if (isSpace && (lastOut === " " || length === 0)) continue;
      const emitted = isSpace ? " " : char;
      // A folded astral character (rare: emoji) is two code units mapping to the same unit.
      for (let k = 0; k < emitted.length; k++) {
        // Ligatures fold to more characters than they take (ﬃ, æ): the maps may have to grow.
        if (length + 1 >= starts.length) {
          starts = grown(starts);
          ends = grown(ends);
        }
        out.push(emitted[k] as string);
        starts[length] = start;
        ends[length] = end;
        length++;
      }
      lastOut = emitted;
    }
  };

  let i = 0;
  let pause = FOLD_PIECE;
  while (i < input.length) {
    if (i >= pause) {
      pause = i + FOLD_PIECE;
      pieces.push(out.join(""));
      out = [];
      yield;
    }
    const start = i;
    const base = String.fromCodePoint(input.codePointAt(i) as number);
    i += base.length;
    if (LINE_END_HYPHENS.has(base) && LETTER.test(lastOut)) {
      const after = lineBreakRunEnd(input, i, WORD_BREAK_ONLY_HYPHENS.has(base));
      if (after !== undefined) {
        i = after;
        continue;
      }
    }
    let unit = base;
    while (i < input.length) {
      const next = String.fromCodePoint(input.codePointAt(i) as number);
      if (!COMBINING_MARK.test(next)) break;
      unit += next;
      i += next.length;
    }
    emit(foldUnit(unit), start, i);
  }

  pieces.push(out.join(""));
  starts[length] = input.length;
  return { text: pieces.join(""), toInput: starts.slice(0, length + 1), toInputEnd: ends.slice(0, length) };
}

function grown(array: Int32Array): Int32Array {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
}

/** A text's folded form without surrounding space: two texts that match when folded have equal keys. */
export function foldKey(text: string): string {
  return fold(text).text.trim();
}

/** The input range covered by folded range [start, end); empty folded ranges map to an empty range. */
export function toInputRange(folded: FoldedText, start: number, end: number): { start: number; end: number } {
  const inputStart = folded.toInput[start] ?? folded.toInput[folded.text.length] ?? 0;
  if (end <= start) return { start: inputStart, end: inputStart };
  return { start: inputStart, end: folded.toInputEnd[end - 1] ?? inputStart };
}

/**
 * End of the whitespace run starting at `from` when that run holds a line break, or any blank when
 * `anyBlank` (the hyphen before it then split a word), otherwise undefined.
 */
function lineBreakRunEnd(input: string, from: number, anyBlank: boolean): number | undefined {
  let j = from;
  let joins = false;
  while (j < input.length && WHITESPACE.test(input[j] as string)) {
    if (anyBlank || input[j] === "\n" || input[j] === "\r" || input[j] === "\u2028") joins = true;
    j++;
  }
  return joins ? j : undefined;
}

function foldUnit(unit: string): string {
  if (unit.length === 1) {
    const code = unit.charCodeAt(0);
    // ASCII fast path: most historical text is mostly ASCII.
    if (code < 0x80 && unit !== "`") return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : unit;
  }
  const cached = unitCache.get(unit);
  if (cached !== undefined) return cached;
  const folded = foldSlow(unit);
  if (unitCache.size < UNIT_CACHE_LIMIT) unitCache.set(unit, folded);
  return folded;
}

function foldSlow(unit: string): string {
  const lower = unit.toLowerCase();
  const special = SPECIAL[lower];
  if (special !== undefined) return special;
  if (FORMAT_CHARACTER.test(lower)) return "";
  // NFKD splits diacritics off (then dropped) and expands long s, ligatures (ﬁ, ĳ) and Fraktur
  // letters (𝔊 -> G, hence lower-casing again).
  const decomposed = lower.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase();
  let result = "";
  for (const char of decomposed) result += SPECIAL[char] ?? char;
  return result;
}
