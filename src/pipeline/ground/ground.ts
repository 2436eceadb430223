import { foldKey } from "../../text/fold.js";
import type { Chunk, GroundedItem, ModelItem, NormalizedText, RejectedItem, Span } from "../types.js";
import { checkDerived, type DerivedFields } from "./derived.js";
import { DocumentText } from "./document-text.js";
import { type Candidate, ChunkRegion } from "./locate.js";
import { MentionSearch } from "./mention-search.js";
import { type Listing, placeInReadingOrder } from "./placement.js";
import { verbatimValues } from "./pointers.js";
import { type AlignmentPolicy, DEFAULT_POLICY } from "./policy.js";

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
  policy?: AlignmentPolicy;
  /** The profile's derived attributes (see derived.ts). */
  derived?: DerivedFields;
  /** The whole document, shared by its chunks (built from `source` when absent). */
  document?: DocumentText;
}

export interface GroundChunkResult {
  grounded: GroundedItem[];
  rejected: RejectedItem[];
}

/**
 * Locates every verbatim field of a chunk's items in that chunk's region of the source text.
 *
 * - The list is placed in reading order (placement.ts): the same name listed several times goes to
 *   successive occurrences; listings beyond the places the text has are repeats and are dropped.
 * - A mention is cited on text that says it as written, or differs only as the alignment policy
 *   allows (policy.ts, compare.ts); never on text with a different number.
 * - An item whose `text` cannot be cited is rejected with the reason: `outside_passage` (it stands
 *   elsewhere in the document), `different_number`, `too_different` (the passage's closest text),
 *   `not_in_document` (a hallucination), `copied_from_example` (a mention of the prompt's examples
 *   that does not stand as written in the passage).
 * - A mention that stands elsewhere in the document is not cited on a passage's text that differs
 *   from it by letters: the model took it from there.
 * - Another verbatim field goes to the place nearest the item's own mention, since a record's names
 *   (father, godparents) stand next to it; one that cannot be cited is reported, the item kept.
 * - Derived attributes that disagree with their cited text are dropped, with a warning.
 */
export function groundChunkItems(input: GroundChunkInput): GroundChunkResult {
  const { source, chunk, items } = input;
  const policy = input.policy ?? DEFAULT_POLICY;
  const document = input.document ?? new DocumentText(source);
  const examples = new Set([...input.exampleMentions].map(foldKey));
  const fieldPaths = input.verbatimPaths.filter((path) => path !== "/text");
  const grounded: GroundedItem[] = [];
  const rejected: RejectedItem[] = [];

  const listed: { item: ModelItem; type: string; mention: string; key: string }[] = [];
  for (const item of items) {
    const { type, text } = item;
    if (typeof type !== "string" || typeof text !== "string") {
      rejected.push({
        reason: "schema_invalid",
        message: "The item has no string `type` and `text`, so it cannot be placed in the text.",
        item,
        chunk: chunk.index,
      });
      continue;
    }
    const mention = text.trim();
    listed.push({ item, type, mention, key: `${type}\u0000${foldKey(mention)}` });
  }
  // A word glued to a name may be another name of the same list ("Angersla Flèche").
  const names = new Set(listed.map(({ mention }) => foldKey(mention)));
  const isWord = (word: string) => names.has(word) || document.isWord(word);
  const region = new ChunkRegion(source, input.normalized, chunk, isWord);
  const search = new MentionSearch(region, document, policy, examples);
  const wanted = new Map<string, number>();
  for (const { key } of listed) wanted.set(key, (wanted.get(key) ?? 0) + 1);
  const listings: Listing[] = listed.map(({ mention, key }) => ({
    key,
    candidates: search.citable(mention, wanted.get(key) ?? 1),
  }));
  const places = placeInReadingOrder(listings);

  listed.forEach(({ item, type, mention }, index) => {
    const place = places[index];
    if (place === undefined) {
      // A repeat of a name already placed at every occurrence it has.
      if ((listings[index]?.candidates.length ?? 0) > 0) return;
      const refusal = search.refusal(mention, `The ${type} "${mention}"`);
      rejected.push({ ...refusal, item, chunk: chunk.index });
      return;
    }
    const span = toSpan(source, place, mention);
    const fieldSpans: Record<string, Span> = {};
    for (const { pointer, value } of verbatimValues(item, fieldPaths)) {
      const fieldMention = value.trim();
      if (fieldMention === "") continue;
      const fieldPlace = nearest(search.citable(fieldMention, 1), place);
      if (fieldPlace === undefined) {
        const refusal = search.refusal(
          fieldMention,
          `The field ${pointer} ("${fieldMention}") of the ${type} "${mention}"`,
        );
        rejected.push({
          ...refusal,
          message: `${refusal.message} The item is kept without a position for that field.`,
          item,
          chunk: chunk.index,
        });
        continue;
      }
      fieldSpans[pointer] = toSpan(source, fieldPlace, fieldMention);
    }
    const { type: _type, text: _text, ...rest } = item;
    const cited = (pointer: string) => (pointer === "/text" ? span : fieldSpans[pointer])?.text;
    const { attributes, warnings } = checkDerived(rest, input.derived ?? {}, cited);
    grounded.push({
      type,
      span,
      attributes,
      fieldSpans,
      chunk: chunk.index,
      ...(warnings.length > 0 ? { warnings } : {}),
    });
  });
  return { grounded, rejected };
}

/** The best-fitting places, and of those the nearest to the item's own mention. */
function nearest(candidates: Candidate[], anchor: Candidate): Candidate | undefined {
  const fitOrder = { word: 0, glued: 1, piece: 2, inner: 3 };
  const distance = (c: Candidate) => Math.max(0, c.start - anchor.end, anchor.start - c.end);
  return candidates.reduce<Candidate | undefined>((best, c) => {
    if (best === undefined) return c;
    const order = fitOrder[c.fit] - fitOrder[best.fit] || c.rank - best.rank || distance(c) - distance(best);
    return order < 0 ? c : best;
  }, undefined);
}

function toSpan(source: string, place: Candidate, mention: string): Span {
  const text = source.slice(place.start, place.end);
  const span: Span = { start: place.start, end: place.end, text, alignment: place.alignment };
  if (text !== mention) span.modelText = mention;
  const comparison = place.comparison;
  if (comparison !== undefined) {
    span.editDistance = comparison.edits;
    span.differences = comparison.differences;
    if (comparison.verdict === "near_miss") span.nearMiss = true;
  }
  return span;
}
