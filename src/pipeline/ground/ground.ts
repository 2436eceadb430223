import { foldKey } from "../../text/fold.js";
import type {
  Chunk,
  GroundedItem,
  ModelItem,
  NormalizedText,
  RejectedItem,
  Span,
  TextRange,
} from "../types.js";
import { checkDerived, type DerivedFields } from "./derived.js";
import { DocumentText } from "./document-text.js";
import { type Candidate, ChunkRegion } from "./locate.js";
import { type Listing, placeInReadingOrder, standsAlone } from "./placement.js";
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

/** Places named when a mention is found elsewhere in the document. */
const OCCURRENCES_SHOWN = 3;

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
  if (process.env.GDEBUG && source.includes(process.env.GDEBUG))
    console.log(
      "CHUNK",
      chunk.index,
      region.start,
      region.end,
      listed
        .map(
          (l, i) =>
            `${l.mention}@${places[i]?.start ?? "-"}[${listings[i]?.candidates.map((c) => `${c.start}${c.fit[0]}${c.rank}`).join(",")}]`,
        )
        .join(" | "),
    );

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

/** One chunk's searches for mentions, with the whole document behind it for the reasons of refusals. */
class MentionSearch {
  private readonly cache = new Map<string, Candidate[]>();

  constructor(
    private readonly region: ChunkRegion,
    private readonly document: DocumentText,
    private readonly policy: AlignmentPolicy,
    private readonly examples: ReadonlySet<string>,
  ) {}

  /**
   * The places `mention` may be cited on: where the passage says it (as written, or folded), then,
   * when these are fewer than the `wanted` listings, places within the policy's edit budget.
   */
  citable(mention: string, wanted: number): Candidate[] {
    const key = `${wanted}\u0000${mention}`;
    const known = this.cache.get(key);
    if (known !== undefined) return known;
    const found = this.search(mention, wanted);
    this.cache.set(key, found);
    return found;
  }

  private search(mention: string, wanted: number): Candidate[] {
    const copied = this.examples.has(foldKey(mention));
    const hits = this.region.textHits(mention, copied, this.policy);
    if (copied || !this.policy.fuzzy || hits.filter(standsAlone).length >= wanted) return hits;
    const glued = hits.filter((c) => c.fit === "glued");
    // A mention that stands elsewhere as written was taken from there, not misread here.
    const elsewhere = () =>
      this.document.occurrencesOutside(mention, this.region.start, this.region.end).length > 0;
    const approximate = this.region.approximateHits(mention, this.policy).filter((c) => {
      const verdict = c.comparison?.verdict;
      if (verdict !== "match" && !(verdict === "near_miss" && this.policy.nearMisses === "flag"))
        return false;
      if (hits.some((h) => h.start === c.start && h.end === c.end)) return false;
      // "Allemagneà": the exact name glued to a word, not the name misspelt.
      if (glued.some((g) => g.start < c.end && c.start < g.end)) return false;
      return !c.comparison?.differences.includes("letters") || !elsewhere();
    });
    return [...hits, ...approximate];
  }

  /** Why `mention` cannot be cited in this passage, as a rejection's reason, message and places. */
  refusal(
    mention: string,
    subject: string,
  ): Pick<RejectedItem, "reason" | "message" | "occurrences" | "nearest"> {
    const { region, document, policy } = this;
    if (this.examples.has(foldKey(mention)))
      return {
        reason: "copied_from_example",
        message: `${subject} is a mention of the prompt's examples and does not stand as written in its passage; it was dropped as copied from the examples.`,
      };
    const elsewhere = document.occurrencesOutside(mention, region.start, region.end);
    if (elsewhere.length > 0) {
      const occurrences = elsewhere.slice(0, OCCURRENCES_SHOWN).map((o) => this.range(o));
      return {
        reason: "outside_passage",
        message: `${subject} is not in the passage the model was given, but stands elsewhere in the document (${elsewhere.length} time${elsewhere.length === 1 ? "" : "s"}); it was not cited here.`,
        occurrences,
      };
    }
    const close = region
      .approximateHits(mention, policy)
      .sort((a, b) => (a.comparison?.edits ?? 0) - (b.comparison?.edits ?? 0) || a.start - b.start);
    const changed = close.find((c) => c.comparison?.verdict === "different_number");
    if (changed !== undefined)
      return {
        reason: "different_number",
        message: `${subject} is not in its passage: the closest text, "${this.range(changed).text}", has a different number, so it is another fact.`,
        nearest: this.range(changed),
      };
    const [nearest] = close;
    if (nearest !== undefined) {
      const why = policy.fuzzy
        ? `differs by ${nearest.comparison?.edits} letter${nearest.comparison?.edits === 1 ? "" : "s"}, more than the alignment policy allows for a name of that length`
        : "differs from it, and fuzzy alignment is off";
      return {
        reason: "too_different",
        message: `${subject} is not in its passage: the closest text, "${this.range(nearest).text}", ${why}.`,
        nearest: this.range(nearest),
      };
    }
    return {
      reason: "not_in_document",
      message: `${subject} stands nowhere in the document, not even approximately; it was dropped as a likely hallucination.`,
    };
  }

  private range(place: { start: number; end: number }): TextRange {
    return { start: place.start, end: place.end, text: this.document.source.slice(place.start, place.end) };
  }
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
