/**
 * One passage's searches for a mention: the places it may be cited on under the alignment policy,
 * and, when there is none, why, with the whole document behind the passage for the reason.
 */
import { foldKey } from "../../text/fold.js";
import type { RejectedItem, TextRange } from "../types.js";
import type { DocumentText } from "./document-text.js";
import type { Candidate, ChunkRegion } from "./locate.js";
import { standsAlone } from "./placement.js";
import type { AlignmentPolicy } from "./policy.js";

/** Places named when a mention is found elsewhere in the document. */
const OCCURRENCES_SHOWN = 3;

export class MentionSearch {
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
