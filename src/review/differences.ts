/**
 * What a newer model result says differently from the one a record is built on, mention by mention:
 * mentions on the same offsets are matched (same type first), and a matched pair differs when its
 * type or attributes do; the rest were added or removed. Entity ids are not compared: each run numbers
 * its entities afresh.
 */
import type { Extraction, OutputMention } from "../pipeline/extraction.js";
import type { ResultDifference } from "../schemas/review.js";
import { canonical, originalOf } from "./record.js";

export function resultDifferences(before: Extraction, after: Extraction): ResultDifference[] {
  const unmatched = new Map<string, OutputMention[]>();
  const at = (mention: OutputMention) => `${mention.start}:${mention.end}`;
  for (const mention of after.entities)
    unmatched.set(at(mention), [...(unmatched.get(at(mention)) ?? []), mention]);
  const take = (mention: OutputMention): OutputMention | undefined => {
    const candidates = unmatched.get(at(mention)) ?? [];
    const index = Math.max(
      0,
      candidates.findIndex((candidate) => candidate.type === mention.type),
    );
    return candidates.splice(index, 1)[0];
  };
  const differences: ResultDifference[] = [];
  for (const old of before.entities) {
    const match = take(old);
    if (!match) differences.push({ kind: "removed", before: originalOf(old) });
    else if (old.type !== match.type || canonical(old.attributes) !== canonical(match.attributes))
      differences.push({ kind: "changed", before: originalOf(old), after: originalOf(match) });
  }
  for (const left of unmatched.values())
    for (const mention of left) differences.push({ kind: "added", after: originalOf(mention) });
  return differences.sort((a, b) => position(a) - position(b));
}

function position(difference: ResultDifference): number {
  return (difference.before ?? difference.after)?.start ?? 0;
}
