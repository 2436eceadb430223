/** How a mention reads, in words: its type, how it was matched to the text, and its review state. */

import { type MessageKey, t } from "./i18n/index.js";
import type { ReviewedMention } from "./review-api.js";

/** The entity types of the default profile, named in the page's language; other types as they are. */
const TYPE_NAMES: Record<string, MessageKey> = {
  person: "type.person",
  place: "type.place",
  organization: "type.organization",
  date: "type.date",
  work: "type.work",
  event: "type.event",
};

export const typeName = (type: string): string => {
  const key = TYPE_NAMES[type];
  return key ? t(key) : type;
};

const REVIEW_NAMES: Record<string, MessageKey> = {
  unreviewed: "state.unreviewed",
  confirmed: "state.confirmed",
  corrected: "state.corrected",
  added: "state.added",
  rejected: "state.rejected",
};

export const reviewName = (state: string | undefined): string =>
  t(REVIEW_NAMES[state ?? "unreviewed"] ?? "state.unreviewed");

/** A mention's label for screen readers and tooltips: "place, exact match: Nîmes". */
export function label(mention: ReviewedMention): string {
  const base = t("mention.label", {
    type: typeName(mention.type),
    grounding: grounding(mention),
    text: mention.text,
  });
  return mention.review && mention.review !== "unreviewed" ? `${base} (${reviewName(mention.review)})` : base;
}

/** How a mention was matched to the text, in words: "fuzzy match (case, ocr), near miss: check it". */
export function grounding(
  mention: Pick<ReviewedMention, "alignment" | "differences" | "nearMiss" | "lowConfidence">,
): string {
  const how =
    mention.alignment === "exact"
      ? t("grounding.exact")
      : mention.differences?.length
        ? t("grounding.fuzzyWith", { differences: mention.differences.join(", ") })
        : t("grounding.fuzzy");
  const miss = mention.nearMiss ? t("grounding.nearMiss") : "";
  const doubt = mention.lowConfidence ? t("grounding.lowConfidence") : "";
  return `${how}${miss}${doubt}`;
}
