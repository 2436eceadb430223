/**
 * Offset-keeping text rewriting. Every normalisation step is a regular expression and a replacement
 * function; rewrite() applies one and carries the map back to the original source along, so steps
 * compose without ever losing track of where a character came from.
 *
 * Mapping rules: text between matches is copied one to one; a replacement of the same length maps
 * unit to unit (ſ -> s); any other replacement maps all its units to the start of the match (a
 * composed é, the "fi" of a ligature, a space standing for a run of blanks). Deleted text has no
 * unit of its own, so it falls inside the source range of the character before it; deleted at the
 * very start or end of the text, it belongs to no character.
 */
import type { Work } from "../turns.js";
import type { NormalizedText } from "../types.js";

/** A step, as work that pauses between matches (see turns.ts). */
export type Step = (input: NormalizedText) => Work<NormalizedText>;

/** Returns the replacement for one match; returning the match itself leaves it untouched. */
export type Replacer = (match: RegExpExecArray) => string;

/** Map entries written between two pauses (45 MB: a quarter of a second in all). */
const IDENTITY_PIECE = 1 << 20;

/** The text, each unit mapped to itself. */
export function* identity(text: string): Work<NormalizedText> {
  const toSource = new Int32Array(text.length + 1);
  for (let from = 0; from <= text.length; from += IDENTITY_PIECE) {
    const to = Math.min(text.length + 1, from + IDENTITY_PIECE);
    for (let i = from; i < to; i++) toSource[i] = i;
    yield;
  }
  return { text, toSource };
}

/** toSource[index], refusing indices outside the map instead of answering undefined. */
export function sourceAt(toSource: Int32Array, index: number): number {
  const value = toSource[index];
  if (value === undefined)
    throw new RangeError(`Offset ${index} is outside the normalised text (0..${toSource.length - 1}).`);
  return value;
}

export function* rewrite(input: NormalizedText, pattern: RegExp, replace: Replacer): Work<NormalizedText> {
  if (!pattern.global) throw new Error("rewrite() needs a global pattern");
  const { text, toSource } = input;
  const edits: { start: number; end: number; replacement: string }[] = [];
  let length = text.length;
  for (const match of text.matchAll(pattern)) {
    yield;
    const replacement = replace(match);
    if (replacement === match[0]) continue;
    edits.push({ start: match.index, end: match.index + match[0].length, replacement });
    length += replacement.length - match[0].length;
  }
  if (edits.length === 0) return input;

  const parts: string[] = [];
  const map = new Int32Array(length + 1);
  let cursor = 0;
  let position = 0;
  const copy = (from: number, to: number) => {
    parts.push(text.slice(from, to));
    map.set(toSource.subarray(from, to), position);
    position += to - from;
  };
  for (const { start, end, replacement } of edits) {
    copy(cursor, start);
    parts.push(replacement);
    if (replacement.length === end - start) map.set(toSource.subarray(start, end), position);
    else map.fill(sourceAt(toSource, start), position, position + replacement.length);
    position += replacement.length;
    cursor = end;
    yield;
  }
  copy(cursor, text.length);
  // Text deleted at the very end (trailing blanks) belongs to no character, like text deleted at the start.
  const last = edits[edits.length - 1];
  const trailingDeletion = last !== undefined && last.end === text.length && last.replacement === "";
  map[length] = sourceAt(toSource, trailingDeletion ? last.start : text.length);
  return { text: parts.join(""), toSource: map };
}
