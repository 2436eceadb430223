/**
 * IOB tags, the way HIPE TSV marks mentions on tokens, read and written the way the official HIPE
 * scorer (hipe-eval/HIPE-scorer, `collect_named_entities`) reads them, so that the gold, the product's
 * own score and the official scorer run on an exported file all see the same entities.
 */

/** A run of units (tokens, or code points for gold without tokens): half-open [start, end). */
export interface UnitSpan {
  type: string;
  start: number;
  end: number;
}

/** Cells that mark no annotation: "O", and "_" / "-" / "" where a column does not apply. */
const OUTSIDE = new Set(["O", "_", "-", ""]);

/**
 * The entities of a tag sequence. As in the official scorer: an I- tag with no open entity starts one
 * (annotators' slips, e.g. topres19th's "O I-BUILDING"); a B- tag, or an I- tag of another type,
 * closes the open entity and starts a new one. IOBES tags are read as IOB (S- as B-, E- as I-).
 */
export function decodeIob(tags: readonly string[]): UnitSpan[] {
  const spans: UnitSpan[] = [];
  let open: UnitSpan | undefined;
  tags.forEach((tag, i) => {
    if (OUTSIDE.has(tag)) {
      open = undefined;
      return;
    }
    const type = tag.slice(2);
    const begins = tag.startsWith("B") || tag.startsWith("S");
    if (open !== undefined && open.type === type && !begins) {
      open.end = i + 1;
      return;
    }
    open = { type, start: i, end: i + 1 };
    spans.push(open);
  });
  return spans;
}

/** A mention to put on tokens: code point offsets like the tokens'. */
export interface PlacedMention {
  type: string;
  start: number;
  end: number;
}

export interface TokenTags {
  tags: string[];
  /**
   * Mentions that could not be written: one tag per token holds one entity, so of overlapping
   * mentions the first in reading order (the longer at the same start) is kept.
   */
  leftOut: PlacedMention[];
}

/**
 * Tags for `tokens` (sorted, non-overlapping code point ranges) from mentions: a token belongs to a
 * mention when they share a character, so a mention cut inside a token takes the whole token, as a
 * token-level scorer must.
 */
export function tagTokens(
  tokens: readonly { start: number; end: number }[],
  mentions: PlacedMention[],
): TokenTags {
  const tags = tokens.map(() => "O");
  const leftOut: PlacedMention[] = [];
  const ordered = [...mentions].sort((a, b) => a.start - b.start || b.end - a.end);
  for (const mention of ordered) {
    const covered = coveredTokens(tokens, mention);
    if (covered.length === 0 || covered.some((i) => tags[i] !== "O")) {
      leftOut.push(mention);
      continue;
    }
    covered.forEach((i, n) => {
      tags[i] = `${n === 0 ? "B" : "I"}-${mention.type}`;
    });
  }
  return { tags, leftOut };
}

function coveredTokens(tokens: readonly { start: number; end: number }[], mention: PlacedMention): number[] {
  let low = 0;
  let high = tokens.length;
  // First token that ends after the mention starts.
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((tokens[mid]?.end ?? 0) <= mention.start) low = mid + 1;
    else high = mid;
  }
  const covered: number[] = [];
  for (let i = low; i < tokens.length && (tokens[i]?.start ?? 0) < mention.end; i++) covered.push(i);
  return covered;
}
