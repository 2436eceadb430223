import { type FoldedText, fold, foldKey, toInputRange } from "../../text/fold.js";
import { characterAt, characterBefore, isInsideWord, isWordCharacter } from "../../text/words.js";
import type { Alignment, Chunk, NormalizedText } from "../types.js";
import { approximateMatches } from "./approximate.js";

/** A place in the source text where a mention may stand (UTF-16 indices into the source). */
export interface Candidate {
  start: number;
  end: number;
  alignment: Alignment;
}

/** Share of a folded mention's length that approximate matching may edit (OCR noise, not rewording). */
const MAX_EDIT_RATIO = 0.2;

/**
 * One chunk's region of the source text, searched for the mentions the model gave for that chunk.
 * The region is toSource[chunk.start]..toSource[chunk.end]; its folded form is built on first need.
 */
export class ChunkRegion {
  private readonly start: number;
  private readonly source: string;
  private readonly sourceText: string;
  private readonly normalized: NormalizedText;
  private readonly chunk: Chunk;
  private foldedText: FoldedText | undefined;

  constructor(source: string, normalized: NormalizedText, chunk: Chunk) {
    this.source = source;
    this.normalized = normalized;
    this.chunk = chunk;
    this.start = sourceIndex(normalized, chunk.start);
    this.sourceText = source.slice(this.start, sourceIndex(normalized, chunk.end));
  }

  /**
   * Where `mention` (already trimmed) may stand, as tiers from best to worst; within a tier, in text
   * order. Tiers: exact hits at word boundaries (in the source, or in the normalised text the model
   * saw), folded hits at word boundaries, then exact and folded hits inside longer words ("Rome" in
   * "Romeo", or in OCR-glued words), then approximate hits (snapped to words). Hits inside words count
   * only when the mention stands nowhere as a word of its own: a repeated "Rome" must not land in
   * "Romeo" once the one "Rome" is taken. `exactOnly` keeps the exact tiers. A generator, so that the
   * costly approximate search runs only when every better place is taken.
   */
  *tiers(mention: string, exactOnly: boolean): Generator<Candidate[]> {
    const seen = new Set<string>();
    const isWhole = (hit: Candidate) => this.atWordBoundaries(hit);
    const foldedMention = foldKey(mention);
    const exact = this.distinct(this.exactHits(mention), seen);
    yield exact.filter(isWhole);
    const folded = exactOnly ? [] : this.distinct(this.foldedHits(mention, foldedMention), seen);
    yield folded.filter(isWhole);
    if (!exact.some(isWhole) && !folded.some(isWhole)) {
      yield exact.filter((hit) => !isWhole(hit));
      yield folded.filter((hit) => !isWhole(hit));
    }
    if (!exactOnly) yield this.distinct(this.approximateHits(mention, foldedMention), seen);
  }

  private *exactHits(mention: string): Generator<Candidate> {
    for (const at of occurrences(this.sourceText, mention)) {
      yield this.candidate(this.start + at, this.start + at + mention.length, mention);
    }
    const chunkText = this.normalized.text.slice(this.chunk.start, this.chunk.end);
    for (const at of occurrences(chunkText, mention)) {
      const from = sourceIndex(this.normalized, this.chunk.start + at);
      const to = sourceIndex(this.normalized, this.chunk.start + at + mention.length);
      yield this.candidate(from, to, mention);
    }
  }

  private *foldedHits(mention: string, foldedMention: string): Generator<Candidate> {
    for (const at of occurrences(this.folded.text, foldedMention)) {
      yield this.fromFolded(at, at + foldedMention.length, mention);
    }
  }

  private *approximateHits(mention: string, foldedMention: string): Generator<Candidate> {
    const maxEdits = Math.floor(foldedMention.length * MAX_EDIT_RATIO);
    // Below one allowed edit the search could only repeat the folded one (mentions under 5 characters).
    if (maxEdits === 0) return;
    for (const match of approximateMatches(foldedMention, this.folded.text, maxEdits)) {
      yield this.fromFolded(match.start, match.end, mention);
    }
  }

  private get folded(): FoldedText {
    this.foldedText ??= fold(this.sourceText);
    return this.foldedText;
  }

  private fromFolded(start: number, end: number, mention: string): Candidate {
    const range = toInputRange(this.folded, start, end);
    return this.candidate(this.start + range.start, this.start + range.end, mention);
  }

  /** A candidate trimmed of the whitespace and punctuation around it that the mention does not have. */
  private candidate(from: number, to: number, mention: string): Candidate {
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
    return { start, end, alignment: text === mention ? "exact" : "fuzzy" };
  }

  private atWordBoundaries(candidate: Candidate): boolean {
    return isWordBoundary(this.source, candidate.start) && isWordBoundary(this.source, candidate.end);
  }

  /** Drops empty candidates and those already produced by an earlier, better search. */
  private distinct(candidates: Iterable<Candidate>, seen: Set<string>): Candidate[] {
    const kept: Candidate[] = [];
    for (const candidate of candidates) {
      const key = `${candidate.start}:${candidate.end}`;
      if (candidate.end <= candidate.start || seen.has(key)) continue;
      seen.add(key);
      kept.push(candidate);
    }
    return kept.sort((a, b) => a.start - b.start || a.end - b.end);
  }
}

/**
 * Where a word may start or end. A lowercase letter followed by a capital is a boundary too: OCR and
 * transcriptions glue words together ("àLebrun", "ParisM."), and names start with capitals.
 */
function isWordBoundary(text: string, index: number): boolean {
  if (!isInsideWord(text, index)) return true;
  return /^\p{Ll}$/u.test(characterBefore(text, index)) && /^\p{Lu}$/u.test(characterAt(text, index));
}

function isStrayEdge(character: string, stripsPunctuation: boolean): boolean {
  return /^\s$/u.test(character) || (stripsPunctuation && !isWordCharacter(character));
}

/** Every start index of `needle` in `haystack`, overlapping ones included. */
function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  if (needle === "") return found;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

function sourceIndex(normalized: NormalizedText, index: number): number {
  const mapped = normalized.toSource[index];
  if (mapped === undefined) {
    throw new RangeError(
      `normalised index ${index} is outside the offset map (${normalized.toSource.length})`,
    );
  }
  return mapped;
}
