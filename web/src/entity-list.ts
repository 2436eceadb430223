/**
 * The entities, each with all its mentions as links to their place in the text (the address can be
 * copied or opened in another tab), the rejected items and the warnings.
 */
import type { Extraction, OutputMention } from "./api.js";
import { h } from "./dom.js";
import { grounding } from "./text-view.js";

export function entityList(
  mentions: OutputMention[],
  colors: Map<string, string>,
  mentionHref: (mention: OutputMention) => string,
): HTMLElement {
  const groups = new Map<string, OutputMention[]>();
  for (const mention of mentions) {
    const group = groups.get(mention.entity);
    if (group) group.push(mention);
    else groups.set(mention.entity, [mention]);
  }
  const items = [...groups.values()].map((group) => {
    const [first] = group as [OutputMention];
    const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.background = colors.get(first.type) ?? "#eee";
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
          ` ${first.type}, ${group.length} mention${group.length === 1 ? "" : "s"}`,
        ),
        h(
          "ul",
          {},
          ...group.map((mention) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: mentionHref(mention), dir: "auto", "data-mention": mention.id },
                `${mention.text} (page ${mention.page}, line ${mention.line}, ${grounding(mention)})`,
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
    h("h2", { id: "entities-title" }, `Entities (${groups.size})`),
    items.length ? h("ul", { class: "entities" }, ...items) : h("p", {}, "No entity was found."),
  );
}

export function rejectedList(rejected: Extraction["rejected"]): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "rejected-title" },
    h("h2", { id: "rejected-title" }, `Rejected (${rejected.length})`),
    rejected.length
      ? h(
          "ul",
          { class: "rejected" },
          ...rejected.map((item) =>
            h(
              "li",
              {},
              h("strong", {}, REASONS[item.reason] ?? item.reason),
              ` ${where(item)}`,
              h("code", { dir: "auto" }, JSON.stringify(item.item)),
              h("span", { class: "hint" }, ` ${item.reason}: ${item.message}`),
            ),
          ),
        )
      : h("p", {}, "The model proposed nothing that had to be rejected."),
  );
}

/** Why an item was rejected, as a reader would say it. */
const REASONS: Record<string, string> = {
  not_in_document: "Not in the document: the model made it up.",
  outside_passage: "From another part of the document, not the passage the model was reading.",
  different_number: "A different number: the text says something else.",
  too_different: "Too different from what the text says.",
  copied_from_example: "Copied from the examples the model was shown.",
  schema_invalid: "Did not fit the profile.",
  unparseable_output: "The model's answer could not be read.",
  truncated_output: "The model's answer was cut off.",
};

/** Where the text does stand, or what the passage has instead. */
function where(item: Extraction["rejected"][number]): string {
  const place = (r: { text: string; page: number; line: number }) =>
    `“${r.text}” (page ${r.page}, line ${r.line})`;
  if (item.occurrences?.length) return `It stands at ${item.occurrences.map(place).join(", ")}.`;
  if (item.nearest) return `The passage has ${place(item.nearest)}.`;
  return "";
}

export function warningList(warnings: Extraction["warnings"]): HTMLElement | "" {
  if (!warnings.length) return "";
  return h(
    "section",
    { "aria-labelledby": "warnings-title" },
    h("h2", { id: "warnings-title" }, `Warnings (${warnings.length})`),
    h(
      "ul",
      {},
      ...warnings.map((warning) =>
        h(
          "li",
          {},
          h("strong", {}, warning.code),
          warning.page === undefined ? "" : ` (page ${warning.page})`,
          `: ${warning.message}`,
        ),
      ),
    ),
  );
}
