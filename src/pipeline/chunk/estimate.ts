/**
 * The fewest chunks a text can need, judged from its size before it is normalised, so that a document
 * far over MAX_CHUNKS is refused at once instead of after normalising and chunking it (a 45 MB text
 * used to be read through for minutes to learn what its size already said).
 *
 * A lower bound on purpose: the count after chunking stays the rule. A chunk is taken to hold the
 * server's whole input window at twice the characters per token measured on samples of the text
 * (normalisation mostly removes blanks, which cost the tokenizer little).
 */
import { type TokenCounter, tooManyChunks } from "./chunk.js";

/** How far a text's characters per token may stray from its samples' without being refused wrongly. */
const SAFETY = 2;
/** A UTF-16 unit costs at most 3 tokens (three UTF-8 bytes of a byte-level BPE). */
const MIN_CHARS_PER_TOKEN = 1 / 3;
const SAMPLES = 4;
const SAMPLE_CHARS = 1000;

export async function refuseOversized(
  text: string,
  options: { maxChunks: number; inputTokens: number; counter: TokenCounter },
): Promise<void> {
  const { maxChunks, inputTokens, counter } = options;
  // Within this size no measure could find too many: most documents cost no tokenizer call here.
  if (text.length <= maxChunks * inputTokens * MIN_CHARS_PER_TOKEN * SAFETY) return;
  const sample = spreadSample(text);
  const charsPerToken = sample.length / Math.max(1, await counter.countTokens(sample));
  const fewest = Math.ceil(text.length / (inputTokens * charsPerToken * SAFETY));
  if (fewest > maxChunks) throw tooManyChunks(fewest, maxChunks, true);
}

/** Pieces from the start, the end and evenly between, joined: one call to the tokenizer. */
function spreadSample(text: string): string {
  const step = (text.length - SAMPLE_CHARS) / (SAMPLES - 1);
  return Array.from({ length: SAMPLES }, (_, i) => {
    const start = Math.floor(i * step);
    // Without the halves of surrogate pairs its edges may have cut.
    return text.slice(start, start + SAMPLE_CHARS).replace(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/g, "");
  }).join("");
}
