/**
 * Type and alignment filters, which are also the legend. A filtered-out mention stays in the text,
 * unhighlighted: its highlight and its outlines get the class `off`, which the keyboard navigation skips.
 */
import type { TypeColor } from "./colors.js";
import { h } from "./dom.js";
import { t } from "./i18n/index.js";
import { typeName } from "./mention-words.js";

/**
 * The filters for the types found (`counts`), drawn again when a correction changes them; `hidden` is
 * the keys unticked so far, which the new drawing keeps.
 */
export function filters(
  types: Map<string, TypeColor>,
  counts: Map<string, number>,
  hidden: Set<string>,
  onChange: (hidden: Set<string>) => void,
): HTMLElement {
  const box = (key: string, text: string, color?: string, swatchClass = "") => {
    const input = h("input", { type: "checkbox", id: `filter-${key}`, checked: !hidden.has(key) });
    input.addEventListener("change", () => {
      if (input.checked) hidden.delete(key);
      else hidden.add(key);
      onChange(hidden);
    });
    const swatch = h("span", { class: `swatch ${swatchClass}`, "aria-hidden": "true" });
    if (color) swatch.style.background = color;
    return h("label", { for: input.id, class: "filter" }, input, swatch, text);
  };
  return h(
    "div",
    { class: "filters" },
    h(
      "fieldset",
      {},
      h("legend", {}, t("filters.types")),
      ...[...types]
        .filter(([type]) => counts.has(type))
        .map(([type, color]) =>
          box(
            `type:${type}`,
            t("filters.type", { type: typeName(type), count: counts.get(type) ?? 0 }),
            color.light,
          ),
        ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, t("filters.grounding")),
      box("alignment:exact", t("filters.exact"), undefined, "exact"),
      box("alignment:fuzzy", t("filters.fuzzy"), undefined, "fuzzy"),
      h(
        "p",
        { class: "legend" },
        h("mark", { class: "sample low-confidence" }, t("filters.sample")),
        ` ${t("filters.lowConfidence")}`,
      ),
      h("p", { class: "legend" }, t("filters.rejected")),
    ),
  );
}

/** Applies the hidden filter keys to the highlights and outlines inside `root`. */
export function applyFilters(root: HTMLElement, hidden: Set<string>): void {
  for (const mark of root.querySelectorAll<HTMLElement>(".mention")) {
    const off = hidden.has(`type:${mark.dataset.type}`) || hidden.has(`alignment:${mark.dataset.alignment}`);
    mark.classList.toggle("off", off);
  }
}
