/**
 * The letters and digits of two texts aligned for comparison (compare.ts): each text folded, its
 * letters kept with where they come from, which word they are in and whether they write a number;
 * then a weighted edit distance with its trace, where letters OCR confuses count as one edit and an
 * edit of a number weighs more than any run of letter edits, so the alignment avoids one if it can.
 */
import { fold } from "../../text/fold.js";
import { isDigit, isDigitLookalike, numberCharacters } from "../../text/numbers.js";
import { characterAt, isCaseSeam, isWordCharacter } from "../../text/words.js";

export interface Letter {
  character: string;
  /** The UTF-16 range of the text the letter was folded from. */
  start: number;
  end: number;
  /** Which word of the text it is in, counted from 0. */
  word: number;
  /** A digit, or a letter of a Roman numeral. */
  number: boolean;
}

export type Step = "match" | "substitute" | "drop" | "add" | "pair";

export interface AlignedStep {
  kind: Step;
  /** Index of the mention's letter the step is at (for an addition: the letter after it). */
  i: number;
  j: number;
  /** Letters of the source the step consumes. */
  sourceLetters: number;
  numberEdit: boolean;
  confusion: boolean;
  /** A digit, or a Roman numeral's letter, against a letter OCR reads for it. */
  numberLookalike: boolean;
}

/** Pairs of letters (folded) OCR takes for each other. */
const CONFUSED = new Set(["ce", "eo", "ao", "il", "ij", "lt", "nu", "hb", "fs", "ft", "vy", "uv"]);
/** Two letters OCR reads as one, or one as two: the mention's side, then the source's. */
const CONFUSED_PAIRS: readonly [string, string][] = [
  ["rn", "m"],
  ["cl", "d"],
  ["vv", "w"],
  ["ii", "u"],
  ["li", "h"],
].flatMap(([x, y]) => [
  [x as string, y as string],
  [y as string, x as string],
]);

/** What a line-end hyphen leaves between two halves of a word: not a word boundary. */
export const HYPHENATION = /^(?:[-\u2010=][ \t]*[\r\n\u2028]\s*|[\u00ac\u2e17]\s*|\u00ad)$/u;

/** An edit of a number weighs more than any run of letter edits, so the alignment avoids it if it can. */
const NUMBER_EDIT = 1000;

/** The letters and digits of a text, folded, with where each comes from and which word it is in. */
export function letters(text: string): Letter[] {
  const folded = fold(text);
  const numbers = numberCharacters(text);
  const found: Letter[] = [];
  let word = 0;
  for (let i = 0; i < folded.text.length; ) {
    const character = characterAt(folded.text, i);
    const start = folded.toInput[i] as number;
    const end = folded.toInputEnd[i] as number;
    i += character.length;
    if (!isWordCharacter(character)) continue;
    const previous = found.at(-1);
    if (previous !== undefined && previous.end <= start) {
      const between = text.slice(previous.end, start);
      const split = (between !== "" && !HYPHENATION.test(between)) || isCaseSeam(text, start);
      if (split) word++;
    }
    found.push({ character, start, end, word, number: numbers[start] ?? false });
  }
  return found;
}

/** Weighted edit distance with its trace (texts are names: a few dozen letters). */
export function align(a: Letter[], b: Letter[]): AlignedStep[] {
  if (a.length === b.length && a.every((letter, k) => letter.character === b[k]?.character)) {
    return a.map((_, k) => edit("match", k, k, 1, false));
  }
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const cost = new Float64Array((n + 1) * width);
  const from = new Array<AlignedStep | undefined>((n + 1) * width);
  const set = (i: number, j: number, value: number, step: AlignedStep) => {
    const cell = i * width + j;
    if (from[cell] === undefined || value < (cost[cell] as number)) {
      cost[cell] = value;
      from[cell] = step;
    }
  };
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) continue;
      const x = a[i - 1];
      const y = b[j - 1];
      if (x !== undefined && y !== undefined) {
        const step = substitution(x, y, i - 1, j - 1);
        set(i, j, at(cost, width, i - 1, j - 1) + weight(step), step);
      }
      if (x !== undefined) {
        const step = edit("drop", i - 1, j, 0, x.number);
        set(i, j, at(cost, width, i - 1, j) + weight(step), step);
      }
      if (y !== undefined) {
        const step = edit("add", i, j - 1, 1, y.number);
        set(i, j, at(cost, width, i, j - 1) + weight(step), step);
      }
      for (const [mine, theirs] of CONFUSED_PAIRS) {
        if (!endsWith(a, i, mine) || !endsWith(b, j, theirs)) continue;
        const i0 = i - mine.length;
        const j0 = j - theirs.length;
        const number = a.slice(i0, i).some((l) => l.number) || b.slice(j0, j).some((l) => l.number);
        const step = { ...edit("pair", i0, j0, theirs.length, number), confusion: true };
        set(i, j, at(cost, width, i0, j0) + weight(step), step);
      }
    }
  }
  const steps: AlignedStep[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const step = from[i * width + j] as AlignedStep;
    steps.push(step);
    i = step.i;
    j = step.j;
  }
  return steps.reverse();
}

/** Whether the letters before index `end` spell `text` (ASCII letters, one per entry). */
function endsWith(found: Letter[], end: number, text: string): boolean {
  if (end < text.length) return false;
  for (let k = 0; k < text.length; k++) {
    if (found[end - text.length + k]?.character !== text[k]) return false;
  }
  return true;
}

function at(cost: Float64Array, width: number, i: number, j: number): number {
  return cost[i * width + j] as number;
}

function edit(kind: Step, i: number, j: number, sourceLetters: number, numberEdit: boolean): AlignedStep {
  return { kind, i, j, sourceLetters, numberEdit, confusion: false, numberLookalike: false };
}

function weight(step: AlignedStep): number {
  if (step.kind === "match") return 0;
  return step.numberEdit ? NUMBER_EDIT : 1;
}

function substitution(x: Letter, y: Letter, i: number, j: number): AlignedStep {
  if (x.character === y.character) return edit("match", i, j, 1, false);
  const confusion = isConfusion(x.character, y.character);
  const number = x.number || y.number || isDigit(x.character) || isDigit(y.character);
  // A digit may stand against a letter OCR reads for it, a Roman numeral's I against an l: noise.
  return {
    ...edit("substitute", i, j, 1, number && !confusion),
    confusion,
    numberLookalike: number && confusion,
  };
}

function isConfusion(x: string, y: string): boolean {
  if (isDigit(x) !== isDigit(y)) return isDigit(x) ? isDigitLookalike(y, x) : isDigitLookalike(x, y);
  if (isDigit(x)) return false;
  return CONFUSED.has(x < y ? `${x}${y}` : `${y}${x}`);
}
