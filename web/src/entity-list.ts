/** The entities, each with all its mentions (buttons that show the mention in the text), and the rejected items. */
import type { Extraction, OutputMention } from "./api.js";
import { h } from "./dom.js";

export function entityList(
  mentions: OutputMention[],
  colors: Map<string, string>,
  show: (mention: OutputMention) => void,
): HTMLElement {
  const groups = new Map<string, OutputMention[]>();
  for (const mention of mentions)
    groups.set(mention.entity, [...(groups.get(mention.entity) ?? []), mention]);
  const items = [...groups.values()].map((group) => {
    const [first] = group as [OutputMention];
    const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.background = colors.get(first.type) ?? "#eee";
    return h(
      "li",
      {},
      swatch,
      h("strong", { dir: "auto" }, first.text),
      ` ${first.type}, ${group.length} mention${group.length === 1 ? "" : "s"}`,
      h(
        "ul",
        {},
        ...group.map((mention) => {
          const button = h(
            "button",
            { type: "button", class: "link", dir: "auto" },
            `${mention.text} (page ${mention.page}, line ${mention.line}, ${mention.alignment})`,
          );
          button.addEventListener("click", () => show(mention));
          return h("li", {}, button);
        }),
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
              h("strong", {}, item.reason),
              `: ${item.message} `,
              h("code", { dir: "auto" }, JSON.stringify(item.item)),
            ),
          ),
        )
      : h("p", {}, "The model proposed nothing that had to be rejected."),
  );
}
