import { type FoldedText, fold, foldKey, toInputRange } from "../../text/fold.js";
import { characterAt, characterBefore, isCaseSeam, isInsideWord, isWordCharacter } from "../../text/words.js";
import type { Alignment, Chunk, NormalizedText } from "../types.js";
import { approximateMatches } from "./approximate.js";
import { type Comparison, compareMention } from "./compare.js";
import type { AlignmentPolicy } from "./policy.js";
import { nearMissBudget } from "./policy.js";

/**
 * How a place sits among the words of the source:
 * - word: whole words;
 * - glued: one edge inside a longer word whose rest is a word of the document ("Allemagneà",
 *   "deRome"): OCR glued two words;
 * - piece: one edge inside a longer word ("Rome" in "Romeo");
 * - inner: both edges inside one word ("Itaie" in "limitaient").
 */
export type Fit = "word" | "glued" | "piece" | "inner";

/** A place in the source text where a mention may stand (UTF-16 indices into the source). */
export interface Candidate {
  start: number;
  end: number;
  alignment: Alignment;
  fit: Fit;
  /** Lower is better: 0 as written, 1 folded, higher for edits. */
  rank: number;
  /** How a fuzzy place differs from the mention. */
  comparison?: Comparison;
}

/** Is this folded word a word of the document (standing alone somewhere)? */
export type Vocabulary = (foldedWord: string) => boolean;

/**
 * One chunk's region of the source text, searched for the mentions the model gave for that chunk.
 * The region is toSource[chunk.start]..toSource[chunk.end]; its folded form is built on first need.
 */
export class ChunkRegion {
  /** The region's range in the source. */
  readonly start: number;
  readonly end: number;
  private readonly source: string;
  private readonly sourceText: string;
  private readonly normalized: NormalizedText;
  private readonly chunk: Chunk;
  private readonly isWord: Vocabulary;
  private foldedText: FoldedText | undefined;

  constructor(source: string, normalized: NormalizedText, chunk: Chunk, isWord: Vocabulary) {
    this.source = source;
    this.normalized = normalized;
    this.chunk = chunk;
    this.isWord = isWord;
    this.start = sourceIndex(normalized, chunk.start);
    this.end = sourceIndex(normalized, chunk.end);
    this.sourceText = source.slice(this.start, this.end);
  }

  /**
   * Where `mention` (already trimmed) stands as written (in the source, or in the normalised text
   * the model saw) or folded (case, diacritics, long s, ligatures, line-end hyphens, spacing), in
   * text order. `exactOnly` keeps the places as written.
   */
  textHits(mention: string, exactOnly: boolean, policy: AlignmentPolicy): Candidate[] {
    const found = new Map<string, Candidate>();
    const add = (from: number, to: number) => {
      const candidate = this.candidate(from, to, mention, policy);
      const key = `${candidate.start}:${candidate.end}`;
      const known = found.get(key);
      if (candidate.end > candidate.start && (known === undefined || candidate.rank < known.rank))
        found.set(key, candidate);
    };
    for (const at of occurrences(this.sourceText, mention))
      add(this.start + at, this.start + at + mention.length);
    const chunkText = this.normalized.text.slice(this.chunk.start, this.chunk.end);
    for (const at of occurrences(chunkText, mention)) {
      add(
        sourceIndex(this.normalized, this.chunk.start + at),
        sourceIndex(this.normalized, this.chunk.start + at + mention.length),
      );
    }
    if (!exactOnly) {
      const folded = foldKey(mention);
      for (const at of occurrences(this.folded.text, folded)) {
        const range = toInputRange(this.folded, at, at + folded.length);
        add(this.start + range.start, this.start + range.end);
      }
    }
    return [...found.values()].sort((a, b) => a.start - b.start || a.end - b.end);
  }

  /**
   * Places within a few edits of `mention`, snapped to whole words, each with how it compares to the
   * mention under `policy` (its verdict says whether it may be cited).
   */
  approximateHits(mention: string, policy: AlignmentPolicy): Candidate[] {
    const folded = foldKey(mention);
    const letters = folded.replace(/[^\p{L}\p{N}]/gu, "").length;
    const near = nearMissBudget(policy, letters);
    if (near === 0) return [];
    // Spaces and punctuation cost nothing to the policy but one edit each to the search.
    const slack = /[^\p{L}\p{N}]/u.test(folded) ? 1 : 0;
    const hits: Candidate[] = [];
    for (const match of approximateMatches(folded, this.folded.text, near + slack)) {
      const range = toInputRange(this.folded, match.start, match.end);
      const closest = this.seamCuts(this.start + range.start, this.start + range.end)
        .map(([from, to]) => this.candidate(from, to, mention, policy))
        .filter((c) => c.end > c.start && c.comparison?.verdict !== "unrelated")
        .sort((x, y) => (x.comparison?.edits ?? 0) - (y.comparison?.edits ?? 0));
      if (closest[0] !== undefined) hits.push(closest[0]);
    }
    return hits;
  }

  /**
   * A whole-word range, and the same without a word OCR glued to its first or last word ("auComité",
   * "deMM."), cut where a lowercase letter meets a capital: folded text, where matching happens, has
   * no case left to see that seam.
   */
  private seamCuts(from: number, to: number): [number, number][] {
    const cuts: [number, number][] = [[from, to]];
    const seams: number[] = [];
    for (let at = from + 1; at < to; at++) if (isCaseSeam(this.source, at)) seams.push(at);
    const [first] = seams;
    const last = seams.at(-1);
    if (first !== undefined) cuts.push([first, to]);
    if (last !== undefined) cuts.push([from, last]);
    return cuts;
  }

  private get folded(): FoldedText {
    this.foldedText ??= fold(this.sourceText);
    return this.foldedText;
  }

  /** A candidate trimmed of the whitespace and punctuation around it that the mention does not have. */
  private candidate(from: number, to: number, mention: string, policy: AlignmentPolicy): Candidate {
    // Punctuation is stray only where the mention has a letter or digit at that edge ("Munich." for
    // "Munich"), not where the mention itself ends with punctuation ("M." stays "M.").
    const stripStart = isWordCharacter(characterAt(mention, 0));
    const stripEnd = isWordCharacter(characterBefore(mention, mention.length));
    let start = from;
    let end = to;
    while (start < end && isStrayEdge(characterAt(this.source, start), stripStart)) {
      start += characterAt(this.source, start).length;
    }
    while (end > start && isStrayEdge(characterBefore(this.source, end), stripEnd)) {
      end -= characterBefore(this.source, end).length;
    }
    const text = this.source.slice(start, end);
    const fit = this.fit(start, end);
    // "Leeds" in "Leeds Intelligencer": a piece of a longer name, taken last among equals.
    const inName = NEXT_WORD_CAPITALISED.test(this.source.slice(end, end + 3)) ? 1 : 0;
    if (text === mention) return { start, end, alignment: "exact", fit, rank: inName };
    const comparison = compareMention(mention, text, policy);
    return { start, end, alignment: "fuzzy", fit, rank: 2 + 2 * comparison.edits + inName, comparison };
  }

  private fit(start: number, end: number): Fit {
    const startInside = !isWordBoundary(this.source, start);
    const endInside = !isWordBoundary(this.source, end);
    if (!startInside && !endInside) return "word";
    if (startInside && endInside) return "inner";
    if (endInside) {
      const rest = this.source.slice(end, wordEnd(this.source, end));
      // "Madrider", "Londoners": a name with an ending, not a name glued to a word.
      return !ENDINGS.has(foldKey(rest)) && this.isSeparateWord(rest) ? "glued" : "piece";
    }
    return this.isSeparateWord(this.source.slice(wordStart(this.source, start), start)) ? "glued" : "piece";
  }

  /** A word of its own: one of the document's or the passage's, or a number ("IVMAISON", "1870Paris"). */
  private isSeparateWord(text: string): boolean {
    return this.isWord(foldKey(text)) || /^(\p{Nd}+|[IVXLCDM]{2,})$/u.test(text);
  }
}

/** A space, then a capitalised word. */
const NEXT_WORD_CAPITALISED = /^[ \u00a0]\p{Lu}\p{L}/u;
/** Endings of derived words and inflections that are also words of their own in some language. */
const ENDINGS = new Set([
  "s",
  "e",
  "n",
  "en",
  "er",
  "es",
  "ern",
  "ers",
  "in",
  "an",
  "ian",
  "ien",
  "ois",
  "ais",
]);

/** Where a word may start or end: not inside a word, or at a lowercase letter followed by a capital. */
export function isWordBoundary(text: string, index: number): boolean {
  return !isInsideWord(text, index) || isCaseSeam(text, index);
}

function wordStart(text: string, index: number): number {
  let at = index;
  while (!isWordBoundary(text, at)) at -= characterBefore(text, at).length;
  return at;
}

function wordEnd(text: string, index: number): number {
  let at = index;
  while (!isWordBoundary(text, at)) at += characterAt(text, at).length;
  return at;
}

function isStrayEdge(character: string, stripsPunctuation: boolean): boolean {
  return /^\s$/u.test(character) || (stripsPunctuation && !isWordCharacter(character));
}

/** Every start index of `needle` in `haystack`, overlapping ones included. */
export function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  if (needle === "") return found;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

export function sourceIndex(normalized: NormalizedText, index: number): number {
  const mapped = normalized.toSource[index];
  if (mapped === undefined) {
    throw new RangeError(
      `normalised index ${index} is outside the offset map (${normalized.toSource.length})`,
    );
  }
  return mapped;
}
