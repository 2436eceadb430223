/**
 * Cuts the normalised text into chunks that fit the endpoint's real token budget.
 *
 * Packing uses a characters-per-token ratio measured on this document with the server's own
 * tokenizer (one /tokenize call on a sample), then every chunk is counted exactly and any chunk over
 * budget is split in two at the sentence nearest its middle. Cuts fall on sentence ends, preferably
 * on paragraph ends; consecutive chunks share `overlap` of their text so an entity on a cut is whole
 * in at least one of them (merge removes the duplicates).
 */
import { PalimpsestError } from "../../errors.js";
import { finishNow, type Turns } from "../turns.js";
import type { Chunk } from "../types.js";
import { middleCut, type Segment, sentences, splitAtWhitespace } from "./segments.js";

export interface TokenCounter {
  countTokens(text: string): Promise<number>;
}

export interface ChunkOptions {
  /** Tokens one chunk of document text may cost. */
  budgetTokens: number;
  /** Share of a chunk repeated at the start of the next, in [0, 1). */
  overlap: number;
  maxChunks: number;
  language?: string;
  counter: TokenCounter;
  /** Takes turns with the event loop while a long text is segmented; without, it is segmented at once. */
  turns?: Turns;
}

/** A chunk is only cut at a paragraph end when that keeps at least this share of the target. */
const PARAGRAPH_CUT_MIN_FILL = 0.6;
/** Packing aims under the budget so that exact counting rarely has to split. */
const PACKING_HEADROOM = 0.9;
const CALIBRATION_SAMPLE_CHARS = 4000;
/** Chunks counted exactly at once. */
const COUNTING_BATCH = 32;

export async function chunkText(text: string, options: ChunkOptions): Promise<Chunk[]> {
  if (text.trim() === "") return [];
  const sample = text.slice(0, CALIBRATION_SAMPLE_CHARS);
  const sampleTokens = Math.max(1, await options.counter.countTokens(sample));
  if (sample.length === text.length && sampleTokens <= options.budgetTokens)
    return [makeChunk(text, 0, text.length, 0)];

  const charsPerToken = sample.length / sampleTokens;
  const targetChars = Math.max(1, Math.floor(options.budgetTokens * charsPerToken * PACKING_HEADROOM));
  const segmenting = sentences(text, options.language);
  const segments = await (options.turns ? options.turns.finish(segmenting) : finishNow(segmenting));
  const ranges = pack(text, segments, targetChars, options.overlap);
  if (ranges.length > options.maxChunks) throw tooManyChunks(ranges.length, options.maxChunks);

  const fitted: [number, number][] = [];
  // A batch at a time: the tokenizer is not sent hundreds of requests at once, and an in-process one
  // lets the event loop have a turn between batches.
  for (let first = 0; first < ranges.length; first += COUNTING_BATCH) {
    await options.turns?.breathe();
    const batch = ranges.slice(first, first + COUNTING_BATCH);
    for (const parts of await Promise.all(
      batch.map(([start, end]) => fitToBudget(text, start, end, options)),
    ))
      fitted.push(...parts);
  }
  if (fitted.length > options.maxChunks) throw tooManyChunks(fitted.length, options.maxChunks);
  return fitted.map(([start, end], index) => makeChunk(text, start, end, index));
}

/** Splits [start, end) in two until each part fits the budget, counted exactly. */
export async function fitToBudget(
  text: string,
  start: number,
  end: number,
  options: Pick<ChunkOptions, "budgetTokens" | "counter" | "language">,
): Promise<[number, number][]> {
  const tokens = await options.counter.countTokens(text.slice(start, end));
  if (tokens <= options.budgetTokens || end - start <= 1) return [[start, end]];
  const cut = middleCut(text, start, end, options.language);
  const [left, right] = await Promise.all([
    fitToBudget(text, start, cut, options),
    fitToBudget(text, cut, end, options),
  ]);
  return [...left, ...right];
}

function pack(text: string, sentences: Segment[], targetChars: number, overlap: number): [number, number][] {
  const segments = sentences.flatMap((s) =>
    s.end - s.start > targetChars ? splitAtWhitespace(text, s.start, s.end, targetChars) : [s],
  );
  const ranges: [number, number][] = [];
  let first = 0;
  while (first < segments.length) {
    let last = first;
    while (
      last + 1 < segments.length &&
      (segments[last + 1] as Segment).end - (segments[first] as Segment).start <= targetChars
    ) {
      last++;
    }
    if (last + 1 < segments.length) last = preferParagraphEnd(segments, first, last, targetChars);
    const start = (segments[first] as Segment).start;
    const end = trimEnd(text, start, (segments[last] as Segment).end);
    ranges.push([start, end]);
    if (last + 1 >= segments.length) break;
    // A paragraph end is a clean cut: no entity spans it, so no overlap is spent there.
    const endsParagraph = (segments[last] as Segment).endsParagraph;
    first =
      overlap > 0 && !endsParagraph
        ? overlapStart(segments, first, last, end - Math.floor((end - start) * overlap))
        : last + 1;
  }
  return ranges;
}

function preferParagraphEnd(segments: Segment[], first: number, last: number, targetChars: number): number {
  const start = (segments[first] as Segment).start;
  for (let i = last; i > first; i--) {
    const segment = segments[i] as Segment;
    if (segment.end - start < targetChars * PARAGRAPH_CUT_MIN_FILL) break;
    if (segment.endsParagraph) return i;
  }
  return last;
}

/**
 * First segment of the next chunk: the earliest one starting at or after `from`, at least the last
 * segment (so some overlap is kept), and never the chunk's own first one (so packing progresses).
 */
function overlapStart(segments: Segment[], first: number, last: number, from: number): number {
  for (let i = first + 1; i < last; i++) {
    if ((segments[i] as Segment).start >= from) return i;
  }
  return last > first ? last : last + 1;
}

function trimEnd(text: string, start: number, end: number): number {
  let trimmed = end;
  while (trimmed > start && /\s/.test(text[trimmed - 1] as string)) trimmed--;
  return trimmed;
}

function makeChunk(text: string, start: number, end: number, index: number): Chunk {
  return { index, text: text.slice(start, end), start, end };
}

/** `estimated`: the count is the least the document's size allows (see estimate.ts), not a count of chunks. */
export function tooManyChunks(count: number, limit: number, estimated = false): PalimpsestError {
  const needs = estimated
    ? `at least ${count} model prompts (judged from its size)`
    : `${count} model prompts`;
  return new PalimpsestError(
    "PAYLOAD_TOO_LARGE",
    `This document needs ${needs}, more than the limit of ${limit} (MAX_CHUNKS). Split it, or raise MAX_CHUNKS.`,
    { details: { chunks: count, limit, ...(estimated ? { estimated } : {}) } },
  );
}
