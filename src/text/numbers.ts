/**
 * Numbers in historical text, for the checks that keep a citation on the same fact: which characters
 * of a text write a number (digits, and the letters of Roman numerals), and which numbers a text
 * carries (with the letters OCR reads in place of digits, as in "1S28" for 1828).
 */
import { characterAt, wordRanges } from "./words.js";

/** Digits OCR is known to read as a letter, by the letter as folding lowercases it. */
const DIGITS_READ_AS: Readonly<Record<string, string>> = {
  o: "0",
  d: "0",
  l: "1",
  i: "1",
  z: "2",
  s: "58",
  b: "68",
  g: "69",
  q: "9",
  t: "7",
};

const DIGIT = /^\p{Nd}$/u;
const ROMAN = /^M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/;
const UPPERCASE_WORD = /^\p{Lu}[\p{L}\p{M}]*$/u;

export function isDigit(character: string): boolean {
  return DIGIT.test(character);
}

/** Whether OCR may have read `digit` as `letter` (a lowercase letter, as folding gives it). */
export function isDigitLookalike(letter: string, digit: string): boolean {
  return DIGITS_READ_AS[letter]?.includes(digit) ?? false;
}

/**
 * For each UTF-16 index of `text`, whether that character writes a number: a digit, or a letter of
 * a Roman numeral. A Roman numeral is a word in capitals that is a well-formed numeral of two letters
 * or more ("XIV", "MDCCLXXXIX"), or a lone I, V or X after a capitalised word ("Charles X", "Pie
 * VI" is caught by the first rule): a lone "M." or "C." is an initial, and a lowercase word ("mix",
 * "dix") is a word.
 */
export function numberCharacters(text: string): boolean[] {
  const marks = Array.from({ length: text.length }, (_, i) => isDigit(characterAt(text, i)));
  for (const word of wordRanges(text)) {
    if (isRomanNumeral(text, word)) for (let i = word.start; i < word.end; i++) marks[i] = true;
  }
  return marks;
}

function isRomanNumeral(text: string, word: { start: number; end: number }): boolean {
  const letters = text.slice(word.start, word.end);
  if (!ROMAN.test(letters)) return false;
  if (letters.length >= 2) return true;
  if (!"IVX".includes(letters)) return false;
  const next = characterAt(text, word.end);
  if (next === "." || next === "'" || next === "\u2019") return false;
  const before = wordRanges(text.slice(0, word.start)).at(-1);
  if (before === undefined || !/^\s+$/u.test(text.slice(before.end, word.start))) return false;
  return UPPERCASE_WORD.test(text.slice(before.start, before.end));
}

/**
 * A number as a text writes it: for each position, the digits it may be. "1S28" reads
 * ["1", "58", "2", "8"]; leading zeros are dropped ("09" is 9).
 */
export type NumberReading = string[];

/** Groups of three digits after a separator, as in "1 200" or "10.000": one amount, not two numbers. */
const THOUSANDS = /^\p{Nd}{1,3}(?:[ .,'\u00a0\u202f]\p{Nd}{3})+$/u;

/**
 * The numbers a text carries, in order. A word of digits is one number; so is a word where digits
 * outnumber the letters OCR reads as digits ("1S28", "I828"); other words give their runs of digits
 * ("1er" gives 1). Digit groups of an amount ("1 200 livres") make one number.
 */
export function numbersIn(text: string): NumberReading[] {
  const readings: NumberReading[] = [];
  const found = wordRanges(text);
  for (let w = 0; w < found.length; w++) {
    const word = found[w] as { start: number; end: number };
    let end = word.end;
    // An amount's digit groups, joined while what follows still reads as thousands.
    while (w + 1 < found.length) {
      const next = found[w + 1] as { start: number; end: number };
      if (!THOUSANDS.test(text.slice(word.start, next.end))) break;
      end = next.end;
      w++;
    }
    readings.push(...wordNumbers(text.slice(word.start, end).replace(/[^\p{Nd}\p{L}]/gu, "")));
  }
  return readings.map(dropLeadingZeros).filter((reading) => reading.length > 0);
}

function wordNumbers(word: string): NumberReading[] {
  const characters = [...word];
  const digits = characters.filter(isDigit).length;
  if (digits === 0) return [];
  const lookalikes = characters.filter((c) => DIGITS_READ_AS[c.toLowerCase()] !== undefined).length;
  if (digits + lookalikes === characters.length && digits > lookalikes) {
    return [
      characters.map((c) => (isDigit(c) ? asciiDigit(c) : (DIGITS_READ_AS[c.toLowerCase()] as string))),
    ];
  }
  return (word.match(/\p{Nd}+/gu) ?? []).map((run) => [...run].map(asciiDigit));
}

function asciiDigit(character: string): string {
  return character.normalize("NFKD").replace(/\D/g, "") || character;
}

function dropLeadingZeros(reading: NumberReading): NumberReading {
  let first = 0;
  while (first < reading.length - 1 && reading[first] === "0") first++;
  return reading.slice(first);
}

/**
 * Whether a value derived from a text (a date's EDTF value, an amount) agrees with the numbers the
 * text carries: each of them must stand in the value, X standing for any digit (EDTF's "178X"), a
 * two-digit year for the century it abbreviates ("89" in "1789"). A text without digits proves
 * nothing either way ("mil sept cent", "an VII"), so it agrees.
 */
export function valueAgreesWithText(value: string, text: string): boolean {
  const runs = (value.match(/[\p{Nd}X]+/gu) ?? []).map((run) => dropLeadingZeros([...run]));
  return numbersIn(text).every((reading) =>
    runs.some(
      (run) =>
        matches(reading, run) || (reading.length === 2 && run.length === 4 && matches(reading, run.slice(2))),
    ),
  );
}

function matches(reading: NumberReading, run: string[]): boolean {
  return (
    reading.length === run.length &&
    reading.every((digits, i) => run[i] === "X" || digits.includes(asciiDigit(run[i] as string)))
  );
}
