/**
 * How a place of the source text differs from what the model wrote, and whether that difference is
 * OCR noise or a different fact. Both are folded (case, diacritics, long s, ligatures, line-end
 * hyphenation), then their letters and digits are aligned, spaces and punctuation left out (so glued
 * and split words cost nothing). The alignment never edits a number when it can avoid it: a digit,
 * or a letter of a Roman numeral, may only stand against itself or a letter OCR reads for it ("1S28"
 * for "1828"); any other edit of one is a different number.
 */
import { fold } from "../../text/fold.js";
import { isDigit, isDigitLookalike, numberCharacters } from "../../text/numbers.js";
import { characterAt, isCaseSeam, isWordCharacter } from "../../text/words.js";
import type { DifferenceKind } from "../types.js";
import { type AlignmentPolicy, nameBudget, nearMissBudget, wordBudget } from "./policy.js";

export type Verdict =
  /** Within the policy's budget: may be cited. */
  | "match"
  /** Over the budget, within twice it: rejected or flagged, as the policy says. */
  | "near_miss"
  /** Close, but a number differs: never cited. */
  | "different_number"
  /** Nothing to do with the mention. */
  | "unrelated";

export interface Comparison {
  /** Letters and digits added, dropped or changed (an OCR confusion of two letters for one counts one). */
  edits: number;
  differences: DifferenceKind[];
  verdict: Verdict;
}

interface Letter {
  character: string;
  start: number;
  end: number;
  word: number;
  number: boolean;
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
const HYPHENATION = /^(?:[-\u2010=][ \t]*[\r\n\u2028]\s*|[\u00ac\u2e17]\s*|\u00ad)$/u;
/** An edit of a number weighs more than any run of letter edits, so the alignment avoids it if it can. */
const NUMBER_EDIT = 1000;

type Step = "match" | "substitute" | "drop" | "add" | "pair";

export function compareMention(mention: string, source: string, policy: AlignmentPolicy): Comparison {
  const a = letters(mention);
  const b = letters(source);
  const steps = align(a, b);
  const length = Math.max(a.length, b.length);
  let edits = 0;
  let numberEdits = 0;
  let freeEdits = 0;
  const differences = new Set<DifferenceKind>(separatorDifferences(mention, a, source, b));
  const wordEdits = new Map<number, number>();
  const wordSourceLetters = new Map<number, number>();
  for (const step of steps) {
    const word = wordOf(a, step);
    if (word !== undefined)
      wordSourceLetters.set(word, (wordSourceLetters.get(word) ?? 0) + step.sourceLetters);
    if (step.kind === "match") {
      const unitOf = (text: string, letter: Letter | undefined) => text.slice(letter?.start, letter?.end);
      for (const kind of unitDifferences(unitOf(mention, a[step.i]), unitOf(source, b[step.j])))
        differences.add(kind);
      continue;
    }
    edits++;
    differences.add(step.confusion ? "ocr" : "letters");
    // A digit read as its look-alike letter is the same number: the number check has vouched for it.
    if (step.digitLookalike) freeEdits++;
    else if (step.numberEdit) numberEdits++;
    else if (word !== undefined) wordEdits.set(word, (wordEdits.get(word) ?? 0) + 1);
  }
  const verdict = judge(policy, {
    length,
    edits: edits - freeEdits,
    numberEdits,
    wordEdits,
    wordSourceLetters,
    a,
  });
  return { edits, differences: [...differences].sort(), verdict };
}

/**
 * The mention's word a step edits; none for a letter added between two words, which could as well
 * end the one as start the other ("d'ygiène" for "d'hygiène", "L.-G. uerdan" for "L.-G. Guerdan"):
 * it counts for the whole name only.
 */
function wordOf(a: Letter[], step: AlignedStep): number | undefined {
  if (step.kind !== "add") return a[step.i]?.word ?? 0;
  const before = a[step.i - 1];
  const after = a[step.i];
  if (before !== undefined && after !== undefined && before.word !== after.word) return undefined;
  return (before ?? after)?.word ?? 0;
}

function judge(
  policy: AlignmentPolicy,
  counts: {
    length: number;
    edits: number;
    numberEdits: number;
    wordEdits: Map<number, number>;
    wordSourceLetters: Map<number, number>;
    a: Letter[];
  },
): Verdict {
  const { length, edits, numberEdits } = counts;
  const letterEdits = edits - numberEdits;
  const near = nearMissBudget(policy, length);
  if (numberEdits > 0) return letterEdits <= near ? "different_number" : "unrelated";
  const wordsFit = [...counts.wordEdits].every(([word, n]) => {
    const own = counts.a.filter((letter) => letter.word === word).length;
    return n <= wordBudget(policy, Math.max(own, counts.wordSourceLetters.get(word) ?? 0));
  });
  if (edits <= nameBudget(policy, length) && wordsFit) return "match";
  return edits <= near ? "near_miss" : "unrelated";
}

/** The letters and digits of a text, folded, with where each comes from and which word it is in. */
function letters(text: string): Letter[] {
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

interface AlignedStep {
  kind: Step;
  /** Index of the mention's letter the step is at (for an addition: the letter after it). */
  i: number;
  j: number;
  /** Letters of the source the step consumes. */
  sourceLetters: number;
  numberEdit: boolean;
  confusion: boolean;
  /** A digit against a letter OCR reads for it. */
  digitLookalike: boolean;
}

/** Weighted edit distance with its trace (texts are names: a few dozen letters). */
function align(a: Letter[], b: Letter[]): AlignedStep[] {
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
  return { kind, i, j, sourceLetters, numberEdit, confusion: false, digitLookalike: false };
}

function weight(step: AlignedStep): number {
  if (step.kind === "match") return 0;
  return step.numberEdit ? NUMBER_EDIT : 1;
}

function substitution(x: Letter, y: Letter, i: number, j: number): AlignedStep {
  if (x.character === y.character) return edit("match", i, j, 1, false);
  const confusion = isConfusion(x.character, y.character);
  const digitLookalike = confusion && (isDigit(x.character) || isDigit(y.character));
  // A digit may stand against a letter OCR reads for it, a Roman numeral's I against an l: noise.
  return { ...edit("substitute", i, j, 1, (x.number || y.number) && !confusion), confusion, digitLookalike };
}

function isConfusion(x: string, y: string): boolean {
  if (isDigit(x) !== isDigit(y)) return isDigit(x) ? isDigitLookalike(y, x) : isDigitLookalike(x, y);
  if (isDigit(x)) return false;
  return CONFUSED.has(x < y ? `${x}${y}` : `${y}${x}`);
}

/** How two characters that fold alike differ. */
function unitDifferences(mine: string, theirs: string): DifferenceKind[] {
  if (mine === theirs) return [];
  const bare = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "");
  const kinds: DifferenceKind[] = [];
  if (bare(mine) !== bare(theirs) && bare(mine).toLowerCase() !== bare(theirs).toLowerCase())
    return ["letterforms"];
  if (bare(mine) !== mine.normalize("NFD") || bare(theirs) !== theirs.normalize("NFD")) {
    if (bare(mine) === bare(theirs) || mine.toLowerCase() !== theirs.toLowerCase()) kinds.push("diacritics");
  }
  if (bare(mine) !== bare(theirs)) kinds.push("case");
  return kinds;
}

/** Differences in what stands between letters: hyphenation, spacing, punctuation. */
function separatorDifferences(mention: string, a: Letter[], source: string, b: Letter[]): DifferenceKind[] {
  const ours = separators(mention, a);
  const theirs = separators(source, b);
  const kinds: DifferenceKind[] = [];
  const hyphens = (list: string[]) => list.filter((s) => HYPHENATION.test(s)).join("|");
  if (hyphens(ours) !== hyphens(theirs)) kinds.push("hyphenation");
  const rest = (list: string[], keep: RegExp) =>
    list
      .filter((s) => !HYPHENATION.test(s))
      .map((s) => s.replace(keep, ""))
      .filter((s) => s !== "")
      .join("|");
  if (rest(ours, /\s/gu) !== rest(theirs, /\s/gu)) kinds.push("punctuation");
  if (rest(ours, /\S/gu) !== rest(theirs, /\S/gu) || wordCount(a) !== wordCount(b)) kinds.push("spacing");
  return kinds;
}

function separators(text: string, found: Letter[]): string[] {
  const list: string[] = [];
  for (let k = 1; k < found.length; k++) {
    const previous = found[k - 1] as Letter;
    const current = found[k] as Letter;
    if (previous.end < current.start) list.push(text.slice(previous.end, current.start));
  }
  return list;
}

function wordCount(found: Letter[]): number {
  return (found.at(-1)?.word ?? -1) + 1;
}
