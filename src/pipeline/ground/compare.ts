/**
 * How a place of the source text differs from what the model wrote, and whether that difference is
 * OCR noise or a different fact. Both are folded (case, diacritics, long s, ligatures, line-end
 * hyphenation), then their letters and digits are aligned, spaces and punctuation left out (so glued
 * and split words cost nothing). The alignment never edits a number when it can avoid it: a digit,
 * or a letter of a Roman numeral, may only stand against itself or a letter OCR reads for it ("1S28"
 * for "1828"); any other edit of one is a different number.
 */

import type { DifferenceKind } from "../types.js";
import { type AlignedStep, align, HYPHENATION, type Letter, letters } from "./letter-alignment.js";
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
    // A number read with a look-alike letter is the same number: the number check has vouched for it.
    if (step.numberLookalike) freeEdits++;
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
