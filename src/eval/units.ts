/**
 * A document's gold and predicted entities in the units scoring counts in. Gold with tokens (HIPE
 * TSV) is counted in tokens, exactly as the official scorer counts the exported predictions: the
 * predictions are put on the gold's tokens as IOB tags (see tagTokens) and both tag sequences are
 * decoded alike, leaving out tokens that contain "#" as the scorer's reader does. Gold without
 * tokens (JSON Lines) is counted in code points.
 */
import type { GoldDocument } from "./gold.js";
import { decodeIob, type PlacedMention, tagTokens, type UnitSpan } from "./iob.js";

export interface DocumentSpans {
  gold: UnitSpan[];
  predicted: UnitSpan[];
  /** Predictions that overlap an earlier one on the gold's tokens, so were not scored. */
  leftOut: PlacedMention[];
}

/** `predicted` carries gold labels (see type-map.ts) and code point offsets into the gold text. */
export function documentSpans(gold: GoldDocument, predicted: PlacedMention[]): DocumentSpans {
  const { tokens } = gold;
  if (tokens === undefined) return { gold: gold.mentions, predicted, leftOut: [] };
  const { tags, leftOut } = tagTokens(tokens, predicted);
  const scored = tokens.flatMap((token, i) => (token.text.includes("#") ? [] : [i]));
  return {
    gold: decodeIob(scored.map((i) => tokens[i]?.tag ?? "O")),
    predicted: decodeIob(scored.map((i) => tags[i] ?? "O")),
    leftOut,
  };
}
