/**
 * Joins words hyphenated at a line end ("mai-\nson" -> "maison") without breaking real compounds
 * ("Jean-\nBaptiste" -> "Jean-Baptiste"). Besides "-", printed and digitised text marks the break
 * with ‐ (U+2010), ¬ (common in OCR output) or a Fraktur double hyphen ⸗, often transcribed "=";
 * a soft hyphen (U+00AD) marks a discretionary break only.
 */
import { rewrite, type Step } from "./rewrite.js";

/**
 * Hyphen after a letter or digit, optional blanks, one line break, optional blanks, then a letter or
 * digit. The letter before is looked for behind the hyphen, not ahead of it: a pattern that starts with
 * a lookbehind is tried at every character (45 MB without a hyphen: 0.45 s instead of 0.05 s).
 */
const LINE_END_HYPHEN = /([-\u2010¬⸗=\u00AD])(?<=([\p{L}\p{N}]).)[ \t]*\n[ \t]*(?=([\p{L}\p{N}]))/gu;
const DIGIT = /\p{N}/u;
const CAPITAL = /[\p{Lu}\p{Lt}]/u;

export const joinHyphenatedLines: Step = (input) =>
  rewrite(input, LINE_END_HYPHEN, (match) => {
    const [found, hyphen, before = "", after = ""] = match;
    if (hyphen === "\u00AD") return "";
    const numeric = DIGIT.test(before) || DIGIT.test(after);
    // "=" next to a digit is an equals sign in a formula or a table, not a hyphen.
    if (hyphen === "=" && numeric) return found;
    // Numbers are never split into syllables, and a capital after the break starts a new name or word.
    if (numeric || CAPITAL.test(after)) return "-";
    return "";
  });

/** Soft hyphens left inside lines are invisible break opportunities. */
export const dropSoftHyphens: Step = (input) => rewrite(input, /\u00AD/g, () => "");
