/**
 * Near misses for the fidelity benchmark: answers a careless model gives that the product must not
 * cite, because the passage it was asked about says something else. For each passage, at most one of
 * each kind:
 *
 * - digit: a mention of the passage with one digit changed (a date, a year, an amount);
 * - look-alike: another real name of the same document, from another passage, that resembles a name
 *   of this one (within a quarter of its letters: "Marin" where the passage has "Martin");
 * - elsewhere: a name of another passage of the same document that this one does not have.
 *
 * None of them stands in the passage, even folded (case, accents): any citation of one in its passage
 * is a citation on text that says something else.
 */
import { editDistance } from "../src/pipeline/ground/approximate.js";
import type { NormalizedText } from "../src/pipeline/types.js";
import { foldKey } from "../src/text/fold.js";

export type NearMissKind = "digit" | "look-alike" | "elsewhere";
export const NEAR_MISS_KINDS: readonly NearMissKind[] = ["digit", "look-alike", "elsewhere"];

export interface NearMiss {
  kind: NearMissKind;
  type: string;
  text: string;
  /** The passage it was answered for, as a range of the source text (UTF-16). */
  passage: { start: number; end: number };
}

/** A gold mention as the replay answers it: what the text says there, and where (normalised text). */
interface Answer {
  type: string;
  read: string;
  start: number;
  end: number;
}

const LOOK_ALIKE_RATIO = 0.25;

export function nearMissesFor(
  document: { normalized: NormalizedText; answers: Answer[] },
  passage: { start: number; end: number },
  random: () => number,
): NearMiss[] {
  const { normalized, answers } = document;
  const inside = (a: Answer) => a.start >= passage.start && a.end <= passage.end;
  const folded = foldKey(normalized.text.slice(passage.start, passage.end));
  const absent = (text: string) => !folded.includes(foldKey(text));
  const range = {
    start: normalized.toSource[passage.start] as number,
    end: normalized.toSource[passage.end] as number,
  };
  const pick = <T>(list: T[]): T | undefined => list[Math.floor(random() * list.length)];
  const misses: NearMiss[] = [];

  const dated = pick(answers.filter((a) => inside(a) && /\d/.test(a.read)));
  const changed = dated === undefined ? undefined : changeDigit(dated.read, random);
  if (dated !== undefined && changed !== undefined && absent(changed))
    misses.push({ kind: "digit", type: dated.type, text: changed, passage: range });

  const others = answers.filter((a) => !inside(a) && foldKey(a.read).length >= 4 && absent(a.read));
  const names = answers.filter(inside).map((a) => foldKey(a.read));
  const resembles = (a: Answer) => {
    const key = foldKey(a.read);
    const budget = Math.max(1, Math.floor(key.length * LOOK_ALIKE_RATIO));
    return names.some((name) => editDistance(key, name, budget) <= budget);
  };
  const lookAlike = pick(others.filter(resembles));
  if (lookAlike !== undefined)
    misses.push({ kind: "look-alike", type: lookAlike.type, text: lookAlike.read, passage: range });
  const elsewhere = pick(others.filter((a) => a.read !== lookAlike?.read));
  if (elsewhere !== undefined)
    misses.push({ kind: "elsewhere", type: elsewhere.type, text: elsewhere.read, passage: range });
  return misses;
}

/** The text with one of its digits replaced by another digit. */
function changeDigit(text: string, random: () => number): string | undefined {
  const digits = [...text.matchAll(/[0-9]/g)];
  const digit = digits[Math.floor(random() * digits.length)];
  if (digit === undefined) return undefined;
  const other = (Number(digit[0]) + 1 + Math.floor(random() * 9)) % 10;
  return `${text.slice(0, digit.index)}${other}${text.slice(digit.index + 1)}`;
}
