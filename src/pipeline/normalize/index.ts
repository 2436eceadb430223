/**
 * Prepares source text for the model while keeping a map back to it: the model reads clean modern
 * text, every offset in that text still points into SourceDocument.text.
 */
import { finishNow, type Work } from "../turns.js";
import type { NormalizedText } from "../types.js";
import { capMarkRuns, composeNfc, dropInvisibles, modernizeLetters, unifyLineBreaks } from "./characters.js";
import { dropSoftHyphens, joinHyphenatedLines } from "./hyphenation.js";
import { identity, type Step, sourceAt } from "./rewrite.js";
import { collapseWhitespace } from "./whitespace.js";

/**
 * Order matters: line breaks are unified before hyphens are looked for at line ends; invisible
 * characters go before NFC, so marks they separated compose (and runs of marks they separated are
 * capped whole); whitespace is collapsed last, once joined hyphens no longer leave line breaks behind.
 */
const STEPS: readonly Step[] = [
  unifyLineBreaks,
  dropInvisibles,
  capMarkRuns,
  composeNfc,
  modernizeLetters,
  joinHyphenatedLines,
  dropSoftHyphens,
  collapseWhitespace,
];

export function normalizeForModel(text: string): NormalizedText {
  return finishNow(normalization(text));
}

/** The same as work in pieces, for the pipeline to take turns with the event loop on a long text. */
export function* normalization(text: string): Work<NormalizedText> {
  let current = yield* identity(text);
  for (const step of STEPS) current = yield* step(current);
  return current;
}

/**
 * Maps a half-open range of the normalised text to the source range it covers. A range ending right
 * before text the normaliser deleted (a joined "-\n", a zero-width space) includes that text.
 */
export function toSourceRange(normalized: NormalizedText, start: number, end: number): [number, number] {
  if (start > end) throw new RangeError(`Range start ${start} is after its end ${end}.`);
  return [sourceAt(normalized.toSource, start), sourceAt(normalized.toSource, end)];
}
