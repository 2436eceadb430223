/**
 * Placement in reading order: which occurrence each mention of a passage's list goes to.
 *
 * Models list mentions in reading order, so the whole list is aligned to the text at once: the
 * longest chain of listings whose places follow one another without overlapping (a monotone
 * alignment, as in sequence alignment), preferring places that stand alone over places inside a
 * longer mention of another listing, then better matches, then earlier places. Listings left out of
 * the chain (listed out of order, nested in another mention, glued to a word) are then placed one by
 * one, between their neighbours in the list where they can be.
 */
import type { Candidate } from "./locate.js";

export interface Listing {
  /** Listings with the same key (same type, same name) share places and never take one twice. */
  key: string;
  candidates: Candidate[];
}

interface Node {
  listing: number;
  candidate: Candidate;
  score: number;
  previous: Node | undefined;
}

/** A chain's score: its length first, then fewer nested places, then lower ranks. */
const PER_PLACE = 1e9;
const PER_NESTED = 1e6;

export function placeInReadingOrder(listings: Listing[]): (Candidate | undefined)[] {
  const placed: (Candidate | undefined)[] = listings.map(() => undefined);
  for (const node of longestChain(listings)) placed[node.listing] = node.candidate;
  listings.forEach((listing, index) => {
    if (placed[index] === undefined) placed[index] = placeAlone(listings, placed, index, listing);
  });
  return placed;
}

/** Whole words, or a word OCR glued to another: a place a name may stand on its own. */
export const standsAlone = (candidate: Candidate) => candidate.fit === "word" || candidate.fit === "glued";

function longestChain(listings: Listing[]): Node[] {
  const nodes: Node[] = [];
  let best: Node | undefined;
  listings.forEach((listing, index) => {
    const added: Node[] = [];
    for (const candidate of listing.candidates.filter(standsAlone)) {
      let previous: Node | undefined;
      for (const node of nodes) {
        if (node.candidate.end > candidate.start) continue;
        if (previous === undefined || node.score > previous.score) previous = node;
      }
      const nested = isNested(listings, index, candidate) ? PER_NESTED : 0;
      const score = (previous?.score ?? 0) + PER_PLACE - nested - candidate.rank;
      const node = { listing: index, candidate, score, previous };
      added.push(node);
      if (best === undefined || score > best.score) best = node;
    }
    nodes.push(...added);
  });
  const chain: Node[] = [];
  for (let node = best; node !== undefined; node = node.previous) chain.push(node);
  return chain.reverse();
}

/** Inside a longer place of another name (a town inside a company's name). */
function isNested(listings: Listing[], index: number, candidate: Candidate): boolean {
  const key = listings[index]?.key;
  return listings.some(
    (other) =>
      other.key !== key &&
      other.candidates.some(
        (outer) =>
          standsAlone(outer) &&
          outer.start <= candidate.start &&
          candidate.end <= outer.end &&
          outer.end - outer.start > candidate.end - candidate.start,
      ),
  );
}

function placeAlone(
  listings: Listing[],
  placed: (Candidate | undefined)[],
  index: number,
  listing: Listing,
): Candidate | undefined {
  const taken = (candidate: Candidate) =>
    listings.some(
      (other, i) =>
        other.key === listing.key && placed[i]?.start === candidate.start && placed[i]?.end === candidate.end,
    );
  const free = listing.candidates.filter((candidate) => !taken(candidate));
  const overlapsPlaced = (c: Candidate) =>
    placed.some((p) => p !== undefined && p.start < c.end && c.start < p.end);
  const before = placed.slice(0, index).findLast((p) => p !== undefined);
  const after = placed.slice(index + 1).find((p) => p !== undefined);
  const from = before?.end ?? 0;
  const to = after?.start ?? Number.POSITIVE_INFINITY;
  const inWindow = (c: Candidate) => c.start >= from && c.end <= to;
  const distance = (c: Candidate) => Math.max(0, from - c.end, c.start - to);
  const apart = free.filter((c) => !overlapsPlaced(c));
  return (
    best(apart.filter((c) => standsAlone(c) && inWindow(c))) ??
    best(apart.filter((c) => c.fit === "piece" && inWindow(c))) ??
    best(apart.filter(standsAlone), distance) ??
    best(free.filter((c) => standsAlone(c) && inWindow(c))) ??
    best(free.filter(standsAlone), distance) ??
    // Inside a longer word only when the name stands nowhere on its own.
    (listing.candidates.some(standsAlone) ? undefined : best(free))
  );
}

/** The best rank, then the nearest to where the listing belongs, then the earliest. */
function best(candidates: Candidate[], distance: (c: Candidate) => number = () => 0): Candidate | undefined {
  const order = (a: Candidate, b: Candidate) =>
    a.rank - b.rank || distance(a) - distance(b) || a.start - b.start;
  return candidates.reduce<Candidate | undefined>(
    (chosen, c) => (chosen === undefined || order(c, chosen) < 0 ? c : chosen),
    undefined,
  );
}
