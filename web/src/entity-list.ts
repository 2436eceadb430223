/**
 * The entities, each with all its mentions as links to their place in the text (the address can be
 * copied or opened in another tab), the rejected items and the warnings.
 */
import type { Extraction } from "./api.js";
import { NO_COLOR, type TypeColor } from "./colors.js";
import { h } from "./dom.js";
import { type MessageKey, t } from "./i18n/index.js";
import { grounding, reviewName, typeName } from "./mention-words.js";
import type { ReviewedMention } from "./review-api.js";

export function entityList(
  mentions: readonly ReviewedMention[],
  colors: Map<string, TypeColor>,
  mentionHref: (mention: ReviewedMention) => string,
): HTMLElement {
  const groups = new Map<string, ReviewedMention[]>();
  for (const mention of mentions) {
    const group = groups.get(mention.entity);
    if (group) group.push(mention);
    else groups.set(mention.entity, [mention]);
  }
  const items = [...groups.values()].map((group) => {
    const [first] = group as [ReviewedMention];
    const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.background = (colors.get(first.type) ?? NO_COLOR).light;
    return h(
      "li",
      {},
      h(
        "details",
        { open: group.length <= 3 },
        h(
          "summary",
          {},
          swatch,
          h("strong", { dir: "auto" }, first.entityName ?? first.text),
          ` ${t("entities.summary", { type: typeName(first.type), count: group.length })}`,
        ),
        h(
          "ul",
          {},
          ...group.map((mention) =>
            h(
              "li",
              { class: `review-${mention.review}` },
              h(
                "a",
                { href: mentionHref(mention), dir: "auto", "data-mention": mention.id },
                `${mention.text} (${t("entities.where", { page: mention.page, line: mention.line })}, ${grounding(mention)}${mention.review === "unreviewed" ? "" : `, ${reviewName(mention.review)}`})`,
              ),
              ...(mention.warnings ?? []).map((warning) => h("p", { class: "warning" }, warning.message)),
            ),
          ),
        ),
      ),
    );
  });
  return h(
    "section",
    { "aria-labelledby": "entities-title" },
    h("h2", { id: "entities-title" }, t("entities.title", { count: groups.size })),
    items.length ? h("ul", { class: "entities" }, ...items) : h("p", {}, t("entities.none")),
  );
}

export function rejectedList(rejected: Extraction["rejected"]): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "rejected-title" },
    h("h2", { id: "rejected-title" }, t("rejected.title", { count: rejected.length })),
    rejected.length
      ? h(
          "ul",
          { class: "rejected" },
          ...rejected.map((item) =>
            h(
              "li",
              {},
              h("strong", {}, reasonText(item.reason)),
              ` ${where(item)}`,
              h("code", { dir: "auto" }, JSON.stringify(item.item)),
              h("span", { class: "hint" }, ` ${item.reason}: ${item.message}`),
            ),
          ),
        )
      : h("p", {}, t("rejected.none")),
  );
}

/** Why an item was rejected, as a reader would say it. */
const REASONS: Record<string, MessageKey> = {
  not_in_document: "reason.not_in_document",
  outside_passage: "reason.outside_passage",
  different_number: "reason.different_number",
  too_different: "reason.too_different",
  copied_from_example: "reason.copied_from_example",
  schema_invalid: "reason.schema_invalid",
  unparseable_output: "reason.unparseable_output",
  truncated_output: "reason.truncated_output",
};

const reasonText = (reason: string) => {
  const key = REASONS[reason];
  return key ? t(key) : reason;
};

/** Where the text does stand, or what the passage has instead. */
function where(item: Extraction["rejected"][number]): string {
  const place = (r: { text: string; page: number; line: number }) =>
    t("rejected.place", { text: r.text, page: r.page, line: r.line });
  if (item.occurrences?.length)
    return t("rejected.standsAt", { places: item.occurrences.map(place).join(", ") });
  if (item.nearest) return t("rejected.passageHas", { place: place(item.nearest) });
  return "";
}

export function warningList(warnings: Extraction["warnings"]): HTMLElement | "" {
  if (!warnings.length) return "";
  return h(
    "section",
    { "aria-labelledby": "warnings-title" },
    h("h2", { id: "warnings-title" }, t("warnings.title", { count: warnings.length })),
    h(
      "ul",
      {},
      ...warnings.map((warning) =>
        h(
          "li",
          {},
          h("strong", {}, warning.code),
          warning.page === undefined ? "" : ` (${t("warnings.page", { page: warning.page })})`,
          `: ${warning.message}`,
        ),
      ),
    ),
  );
}
