/**
 * A record's mentions: the model's, as a person found them, and those a person added. A model mention
 * keeps what the model gave (`original`) from the first time a person touches it, so its state says
 * whether the record still agrees with the model (confirmed) or not (corrected); a mention without an
 * original that is not unreviewed is one a person added.
 */
import type { Extraction, OutputMention } from "../pipeline/extraction.js";
import type { MentionOriginal, ReviewedMention, ReviewState } from "../schemas/review.js";

/** The record of a result nobody reviewed: its mentions, all unreviewed. */
export function unreviewedMentions(extraction: Extraction): ReviewedMention[] {
  return extraction.entities.map((mention) => ({ ...mention, review: "unreviewed" }));
}

export function originalOf(mention: MentionOriginal): MentionOriginal {
  const { type, start, end, text, entity, attributes } = mention;
  return { type, start, end, text, entity, attributes };
}

/** The mention, with what the model gave kept, from the first change a person makes to it on. */
export function touched(mention: ReviewedMention): ReviewedMention {
  return mention.original === undefined && mention.review === "unreviewed"
    ? { ...mention, original: originalOf(mention) }
    : mention;
}

/** Whether a person added it (the model never gave it). */
export function isAdded(mention: ReviewedMention): boolean {
  return mention.original === undefined && mention.review !== "unreviewed";
}

/** The state of a mention a person accepts as it now is: added, or as the model gave it, or corrected. */
export function acceptedState(mention: ReviewedMention): ReviewState {
  if (isAdded(mention)) return "added";
  return sameAs(mention, mention.original) ? "confirmed" : "corrected";
}

function sameAs(mention: ReviewedMention, original: MentionOriginal | undefined): boolean {
  return original !== undefined && canonical(originalOf(mention)) === canonical(original);
}

/** JSON with object keys sorted, so that equal values compare equal whatever their keys' order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** Reading order: by start, then end, then id. */
export function inReadingOrder(mentions: ReviewedMention[]): ReviewedMention[] {
  return mentions.sort(
    (a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** A mention as exports show it: with its review state, without who reviewed it and what the model gave. */
export function exportedMention(mention: ReviewedMention): OutputMention {
  const {
    review,
    reviewedBy: _by,
    reviewedAt: _at,
    revision: _revision,
    original: _original,
    ...rest
  } = mention;
  if (review === "rejected") throw new Error("A rejected mention is never exported");
  return { ...rest, review };
}
