/**
 * Character-level normalisation for the model: one kind of line break, no invisible characters,
 * composed (NFC) characters, and modern letters for the long s and typographic ligatures.
 */
import type { Work } from "../turns.js";
import { rewrite, type Step } from "./rewrite.js";

/** CR LF, CR, NEL, vertical tab and LINE SEPARATOR end a line; form feed and PARAGRAPH SEPARATOR a paragraph. */
export const unifyLineBreaks: Step = (input) =>
  rewrite(input, /\r\n?|[\v\u0085\u2028]|[\f\u2029]/g, ([found]) =>
    found === "\f" || found === "\u2029" ? "\n\n" : "\n",
  );

/**
 * Control characters (tab and line feed excepted), zero-width space, word joiner, byte-order marks and
 * bidirectional marks. ZWJ and ZWNJ stay: they are spelling in Indic and Arabic-script languages.
 * The soft hyphen is handled with line-end hyphens.
 */
export const dropInvisibles: Step = (input) =>
  rewrite(
    input,
    /[^\P{Cc}\t\n]|[\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu,
    () => "",
  );

/**
 * At most 30 combining marks in a row, as Unicode's Stream-Safe Text Format (UAX #15) has it: no script
 * stacks more, and NFC sorts a run of marks in time that grows with its square (40,000 marks after one
 * letter: over a second). The marks past the 30th are dropped for the model.
 */
export const capMarkRuns: Step = (input) => rewrite(input, /(?<=\p{M}{30})\p{M}+/gu, () => "");

/** Composes each base character with its combining marks; the composed character maps to the base. */
export const composeNfc: Step = function* (input) {
  if (yield* isNfc(input.text)) return input;
  return yield* rewrite(input, /\P{M}\p{M}*/gu, ([segment]) => segment.normalize("NFC"));
};

/** Characters checked at once by isNfc (more, up to the next ASCII character). */
const NFC_SLICE = 65_536;

/**
 * Whether the text is in NFC, a slice at a time. Slices end before an ASCII character, which never
 * composes with what precedes it, so each is in NFC exactly when its part of the whole text is.
 */
function* isNfc(text: string): Work<boolean> {
  for (let from = 0; from < text.length; yield) {
    let to = Math.min(text.length, from + NFC_SLICE);
    while (to < text.length && text.charCodeAt(to) >= 0x80) to++;
    const slice = text.slice(from, to);
    if (slice.normalize("NFC") !== slice) return false;
    from = to;
  }
  return true;
}

/** æ and œ are letters of French (and others), not ligatures: they stay. */
const MODERN_LETTERS: Readonly<Record<string, string>> = {
  ſ: "s",
  ﬀ: "ff",
  ﬁ: "fi",
  ﬂ: "fl",
  ﬃ: "ffi",
  ﬄ: "ffl",
  ﬅ: "st",
  ﬆ: "st",
};

export const modernizeLetters: Step = (input) =>
  rewrite(input, /[ſ\uFB00-\uFB06]/g, ([found]) => MODERN_LETTERS[found] ?? found);
