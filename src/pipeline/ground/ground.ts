import { foldKey } from "../../text/fold.js";
import type { Chunk, GroundedItem, ModelItem, NormalizedText, RejectedItem, Span } from "../types.js";
import { type Candidate, ChunkRegion } from "./locate.js";
import { verbatimValues } from "./pointers.js";

export interface GroundChunkInput {
  /** SourceDocument.text. */
  source: string;
  normalized: NormalizedText;
  chunk: Chunk;
  /** The chunk's items as validated against the profile. */
  items: ModelItem[];
  /**
   * JSON pointers (relative to an item, "*" for every array element) of the profile's verbatim
   * fields. "/text", the item's own mention, is grounded whether listed or not.
   */
  verbatimPaths: string[];
  /** Mentions that appear in the prompt's few-shot examples. */
  exampleMentions: ReadonlySet<string>;
}

export interface GroundChunkResult {
  grounded: GroundedItem[];
  rejected: RejectedItem[];
}

/**
 * Locates every verbatim field of a chunk's items in that chunk's region of the source text.
 *
 * - An item whose `text` is nowhere in the region is rejected as "ungrounded" (the model made it up).
 * - An item whose `text` is a mention of the prompt's examples must stand in the text exactly (or as
 *   the model saw it after normalisation); otherwise it is rejected as "copied_from_example".
 * - The same name listed several times (same type, same folded text) goes to successive distinct
 *   places in text order; listings beyond the places the text has are repeats and are dropped.
 * - Another verbatim field that is nowhere in the region is left out of `fieldSpans` and reported as a
 *   rejection naming its pointer; the item is kept. Such a field goes to the place nearest the item's
 *   own mention, since a record's names (father, godparents) stand next to it.
 */
export function groundChunkItems(input: GroundChunkInput): GroundChunkResult {
  const { source, chunk, items } = input;
  const region = new ChunkRegion(source, input.normalized, chunk);
  const examples = new Set([...input.exampleMentions].map(foldKey));
  const fieldPaths = input.verbatimPaths.filter((path) => path !== "/text");
  const taken = new Map<string, Set<string>>();
  const placed: Candidate[] = [];
  const grounded: GroundedItem[] = [];
  const rejected: RejectedItem[] = [];
  const reject = (reason: RejectedItem["reason"], message: string, item: ModelItem) =>
    rejected.push({ reason, message, item, chunk: chunk.index });

  for (const item of items) {
    const { type, text, ...attributes } = item;
    if (typeof type !== "string" || typeof text !== "string") {
      reject(
        "schema_invalid",
        "The item has no string `type` and `text`, so it cannot be placed in the text.",
        item,
      );
      continue;
    }
    const mention = text.trim();
    const key = foldKey(mention);
    const copied = examples.has(key);
    const placeKey = `${type}\u0000${key}`;
    const placesTaken = taken.get(placeKey) ?? new Set<string>();
    taken.set(placeKey, placesTaken);

    let sawAny = false;
    let place: Candidate | undefined;
    for (const tier of region.tiers(mention, copied)) {
      sawAny ||= tier.length > 0;
      const free = tier.filter((candidate) => !placesTaken.has(spanKey(candidate)));
      // Mentions do not overlap in running text: an occurrence inside an item already placed (the
      // "Duroc" of "Citizen Duroc") is only used when the name stands nowhere else. Models list in
      // reading order, so of a name's free occurrences the first after the previous item is preferred.
      const apart = free.filter((candidate) => !overlapsAny(candidate, placed));
      const cursor = placed.at(-1)?.end ?? 0;
      place = apart.find((candidate) => candidate.start >= cursor) ?? apart[0] ?? free[0];
      if (place !== undefined) break;
    }
    if (place === undefined) {
      if (sawAny) continue; // a repeat of a name already placed at every occurrence
      if (copied) {
        reject(
          "copied_from_example",
          `The ${type} "${mention}" is a mention of the prompt's examples and does not stand verbatim in chunk ${chunk.index}; it was dropped as copied from the examples.`,
          item,
        );
      } else {
        reject(
          "ungrounded",
          `The ${type} "${mention}" does not occur in chunk ${chunk.index} of the source text, not even approximately; it was dropped as a likely hallucination.`,
          item,
        );
      }
      continue;
    }
    placesTaken.add(spanKey(place));
    placed.push(place);

    const fieldSpans: Record<string, Span> = {};
    for (const { pointer, value } of verbatimValues(item, fieldPaths)) {
      const fieldMention = value.trim();
      if (fieldMention === "") continue;
      const fieldCopied = examples.has(foldKey(fieldMention));
      const fieldPlace = nearestInBestTier(region.tiers(fieldMention, fieldCopied), place);
      if (fieldPlace === undefined) {
        reject(
          fieldCopied ? "copied_from_example" : "ungrounded",
          `The field ${pointer} ("${fieldMention}") of the ${type} "${mention}" does not occur ${fieldCopied ? "verbatim " : ""}in chunk ${chunk.index} of the source text; the item is kept without a position for that field.`,
          item,
        );
        continue;
      }
      fieldSpans[pointer] = toSpan(source, fieldPlace, fieldMention);
    }

    grounded.push({ type, span: toSpan(source, place, mention), attributes, fieldSpans, chunk: chunk.index });
  }
  return { grounded, rejected };
}

function nearestInBestTier(tiers: Iterable<Candidate[]>, anchor: Candidate): Candidate | undefined {
  const distance = (c: Candidate) => Math.max(0, c.start - anchor.end, anchor.start - c.end);
  for (const tier of tiers) {
    if (tier.length > 0) return tier.reduce((best, c) => (distance(c) < distance(best) ? c : best));
  }
  return undefined;
}

function toSpan(source: string, place: Candidate, mention: string): Span {
  const text = source.slice(place.start, place.end);
  const span: Span = { start: place.start, end: place.end, text, alignment: place.alignment };
  if (text !== mention) span.modelText = mention;
  return span;
}

function overlapsAny(candidate: Candidate, placed: readonly Candidate[]): boolean {
  return placed.some((other) => candidate.start < other.end && other.start < candidate.end);
}

function spanKey(place: Candidate): string {
  return `${place.start}:${place.end}`;
}
