/**
 * The fewest chunks a text can need, judged from its size before it is normalised, so that a document
 * far over MAX_CHUNKS is refused at once instead of after normalising and chunking it (a 45 MB text
 * used to be read through for minutes to learn what its size already said).
 *
 * A lower bound on purpose: the count after chunking stays the rule. Only the characters normalisation
 * keeps are counted (not blanks, which it collapses), a chunk is taken to hold the server's whole input
 * window, and at twice the characters per token measured on samples of the text.
 */
import { finishNow, type Turns, type Work } from "../turns.js";
import { type TokenCounter, tooManyChunks } from "./chunk.js";

/** How far a text's characters per token may stray from its samples' without being refused wrongly. */
const SAFETY = 2;
/** A UTF-16 unit costs at most 3 tokens (three UTF-8 bytes of a byte-level BPE). */
const MIN_CHARS_PER_TOKEN = 1 / 3;
const SAMPLES = 4;
const SAMPLE_CHARS = 1000;
/** Samples with fewer characters than this that are not blanks measure nothing. */
const MIN_SAMPLE_CHARS = 200;
/** Characters counted between two turns with the event loop. */
const PIECE_CHARS = 65_536;

export async function refuseOversized(
  text: string,
  options: { maxChunks: number; inputTokens: number; counter: TokenCounter; turns?: Turns },
): Promise<void> {
  const { maxChunks, inputTokens, counter, turns } = options;
  // Within this size no measure could find too many: most documents cost no tokenizer call here.
  if (text.length <= maxChunks * inputTokens * MIN_CHARS_PER_TOKEN * SAFETY) return;
  const sample = spreadSample(text);
  const sampleChars = visibleIn(sample, 0, sample.length);
  if (sampleChars < MIN_SAMPLE_CHARS) return;
  const sampleTokens = Math.max(1, await counter.countTokens(sample.replace(/\s+/g, " ")));
  const counting = visibleCharacters(text);
  const chars = turns ? await turns.finish(counting) : finishNow(counting);
  const fewest = Math.ceil(chars / (inputTokens * (sampleChars / sampleTokens) * SAFETY));
  if (fewest > maxChunks) throw tooManyChunks(fewest, maxChunks, true);
}

/** Pieces from the start, the end and evenly between, joined: one call to the tokenizer. */
function spreadSample(text: string): string {
  const step = (text.length - SAMPLE_CHARS) / (SAMPLES - 1);
  return Array.from({ length: SAMPLES }, (_, i) => {
    const start = Math.floor(i * step);
    // Without the halves of surrogate pairs its edges may have cut.
    return text.slice(start, start + SAMPLE_CHARS).replace(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/g, "");
  }).join(" ");
}

function* visibleCharacters(text: string): Work<number> {
  let count = 0;
  for (let from = 0; from < text.length; from += PIECE_CHARS) {
    count += visibleIn(text, from, Math.min(text.length, from + PIECE_CHARS));
    yield;
  }
  return count;
}

/** Characters of [from, to) that are not blanks (controls, spaces, line and paragraph separators). */
function visibleIn(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    const blank =
      code <= 0x20 ||
      code === 0x85 ||
      code === 0xa0 ||
      code === 0x1680 ||
      (code >= 0x2000 && code <= 0x200b) ||
      (code >= 0x2028 && code <= 0x202f) ||
      code === 0x205f ||
      code === 0x3000 ||
      code === 0xfeff;
    if (!blank) count++;
  }
  return count;
}
