/**
 * Type and alignment filters, which are also the legend. A filtered-out mention stays in the text,
 * unhighlighted: its highlight and its box get the class `off`, which the keyboard navigation skips.
 */
import { h } from "./dom.js";

export function filters(
  types: Map<string, string>,
  counts: Map<string, number>,
  onChange: (hidden: Set<string>) => void,
): HTMLElement {
  const hidden = new Set<string>();
  const box = (key: string, text: string, color?: string, swatchClass = "") => {
    const input = h("input", { type: "checkbox", id: `filter-${key}`, checked: true });
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
      h("legend", {}, "Types"),
      ...[...types].map(([type, color]) => box(`type:${type}`, `${type} (${counts.get(type) ?? 0})`, color)),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Grounding"),
      box("alignment:exact", "exact: the text as the source has it", undefined, "exact"),
      box("alignment:fuzzy", "fuzzy: found with small differences (dashed)", undefined, "fuzzy"),
      h(
        "p",
        { class: "legend" },
        h("mark", { class: "sample low-confidence" }, "Name"),
        " low OCR confidence: check the reading",
      ),
      h(
        "p",
        { class: "legend" },
        "Rejected: what the model proposed but the text does not hold, listed apart and never highlighted.",
      ),
    ),
  );
}

/** Applies the hidden filter keys to the highlights and boxes inside `root`. */
export function applyFilters(root: HTMLElement, hidden: Set<string>): void {
  for (const mark of root.querySelectorAll<HTMLElement>(".mention")) {
    const off = hidden.has(`type:${mark.dataset.type}`) || hidden.has(`alignment:${mark.dataset.alignment}`);
    mark.classList.toggle("off", off);
  }
}
