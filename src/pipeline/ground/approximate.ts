import { characterAt, characterBefore, isInsideWord, isWordCharacter } from "../../text/words.js";

/** A range of the searched text and the edits it takes to turn it into the pattern. */
export interface ApproximateMatch {
  start: number;
  end: number;
  edits: number;
}

/**
 * Approximate occurrences of `pattern` in `text` (both already folded) within `maxEdits` Levenshtein
 * edits, snapped to whole words and not overlapping one another (the fewest edits win), in text order.
 *
 * Sellers' semi-global alignment: the pattern must be used whole, the text may start and end
 * anywhere, so one pass finds every end position within budget; each match's start is carried along
 * the alignment. Ukkonen's cut-off computes each column only down to the last cell within budget,
 * which makes the pass about O(maxEdits × text) on real text. Snapping can change the cost, so each
 * snapped range is measured again.
 */
export function approximateMatches(pattern: string, text: string, maxEdits: number): ApproximateMatch[] {
  const m = pattern.length;
  if (m === 0 || maxEdits < 0) return [];
  const over = maxEdits + 1;
  // Cells below the computed band hold `over`: their true cost is beyond budget, which is all that matters.
  let cost = Int32Array.from({ length: m + 1 }, (_, i) => Math.min(i, over));
  let start = new Int32Array(m + 1);
  let nextCost = new Int32Array(m + 1).fill(over);
  let nextStart = new Int32Array(m + 1);
  let lastWithinBudget = Math.min(maxEdits, m);
  const found = new Map<string, ApproximateMatch>();

  for (let j = 1; j <= text.length; j++) {
    const t = text.charCodeAt(j - 1);
    const bottom = Math.min(m, lastWithinBudget + 1);
    nextCost[0] = 0;
    nextStart[0] = j;
    for (let i = 1; i <= bottom; i++) {
      // Prefer the diagonal (match or substitution) on ties: it keeps matches as short as the pattern.
      let best = (cost[i - 1] as number) + (pattern.charCodeAt(i - 1) === t ? 0 : 1);
      let from = start[i - 1] as number;
      const skipText = (cost[i] as number) + 1;
      if (skipText < best) {
        best = skipText;
        from = start[i] as number;
      }
      const skipPattern = (nextCost[i - 1] as number) + 1;
      if (skipPattern < best) {
        best = skipPattern;
        from = nextStart[i - 1] as number;
      }
      nextCost[i] = Math.min(best, over);
      nextStart[i] = from;
    }
    if (bottom < m) nextCost[bottom + 1] = over;
    [cost, nextCost] = [nextCost, cost];
    [start, nextStart] = [nextStart, start];
    lastWithinBudget = bottom;
    while ((cost[lastWithinBudget] as number) > maxEdits) lastWithinBudget--;
    if (lastWithinBudget === m) {
      for (const snapped of snapToWords(text, start[m] as number, j)) {
        const key = `${snapped.start}:${snapped.end}`;
        if (snapped.end <= snapped.start || found.has(key)) continue;
        const edits = editDistance(pattern, text.slice(snapped.start, snapped.end), maxEdits);
        if (edits <= maxEdits) found.set(key, { ...snapped, edits });
      }
    }
  }
  return nonOverlapping([...found.values()]);
}

/**
 * The whole-word ranges a raw match may stand for: its end widened to the end of its word, its start
 * either widened to the start of its word or moved on to the next word. Only one start is carried per
 * end, and it may reach into the word before ("b cacbb" for "cdcacbb"), so both are tried.
 */
function snapToWords(text: string, from: number, to: number): { start: number; end: number }[] {
  let end = to;
  while (end > from && text[end - 1] === " ") end--;
  while (isInsideWord(text, end)) end += characterAt(text, end).length;
  let widened = from;
  while (isInsideWord(text, widened)) widened -= characterBefore(text, widened).length;
  let narrowed = from;
  while (isInsideWord(text, narrowed)) narrowed += characterAt(text, narrowed).length;
  while (narrowed < end && !isWordCharacter(characterAt(text, narrowed))) narrowed++;
  while (widened < end && text[widened] === " ") widened++;
  return widened === narrowed
    ? [{ start: widened, end }]
    : [
        { start: widened, end },
        { start: narrowed, end },
      ];
}

/** Levenshtein distance, or limit + 1 as soon as it is known to exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(
        (previous[j - 1] as number) + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1),
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
      );
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length] as number;
}

function nonOverlapping(matches: ApproximateMatch[]): ApproximateMatch[] {
  const byQuality = [...matches].sort(
    (x, y) => x.edits - y.edits || x.end - x.start - (y.end - y.start) || x.start - y.start,
  );
  const kept: ApproximateMatch[] = [];
  for (const match of byQuality) {
    if (kept.every((other) => match.end <= other.start || match.start >= other.end)) kept.push(match);
  }
  return kept.sort((x, y) => x.start - y.start);
}
