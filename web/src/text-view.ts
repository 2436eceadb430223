/**
 * One page of the document's text with its mentions highlighted (nested where one lies inside
 * another), and n/p to move from mention to mention. At the last mention of a page the view asks its
 * owner to go on to the next page that has one. A mention's review state shows on its highlight
 * (a rejected one struck through); its label says it to screen readers.
 */

import type { TypeColor } from "./colors.js";
import { NO_COLOR } from "./colors.js";
import { h } from "./dom.js";
import { t } from "./i18n/index.js";
import { label } from "./mention-words.js";
import { type Piece, segmentText } from "./offsets.js";
import type { ReviewedMention } from "./review-api.js";

export interface TextView {
  element: HTMLElement;
  /** The element holding the page's text (where a selection is read from). */
  body: HTMLElement;
  /** Draws a page's text, which starts at document code point `base`, with the page's mentions. */
  render(text: string, base: number, mentions: ReviewedMention[]): void;
  /** Focuses a mention's highlight; false when it is not drawn on this page. */
  focusMention(id: string): boolean;
  /** Focuses the first or last visible mention of the page; false when there is none. */
  focusEdge(edge: "first" | "last"): boolean;
  /** Moves to the next (1) or previous (-1) visible mention; false at the page's end. */
  step(direction: 1 | -1): boolean;
  /** The mention focused last, if it is still drawn. */
  current(): string | undefined;
}

export function textView(
  colors: Map<string, TypeColor>,
  language: string | undefined,
  onFocus: (id: string) => void,
): TextView {
  const body = h("div", { class: "text", dir: "auto", lang: language, "aria-label": t("text.label") });
  const notes = h("p", { class: "hint" });
  const announce = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const element = h("section", { class: "reading", "aria-label": t("text.region") }, body, notes, announce);

  const marks = () => [...body.querySelectorAll<HTMLElement>("mark.mention")];
  const visible = () => marks().filter((m) => !m.classList.contains("off"));

  function focusMark(mark: HTMLElement): void {
    for (const m of body.querySelectorAll(".current")) m.classList.remove("current");
    mark.classList.add("current");
    mark.focus();
    const shown = visible();
    announce.textContent = t("text.position", {
      index: shown.indexOf(mark) + 1,
      count: shown.length,
      label: mark.getAttribute("aria-label") ?? "",
    });
    onFocus(mark.dataset.id ?? "");
  }

  function draw(piece: Piece<ReviewedMention>): Node {
    if (typeof piece === "string") return document.createTextNode(piece);
    const { mention } = piece;
    const doubt = mention.lowConfidence || mention.nearMiss ? " low-confidence" : "";
    const mark = h(
      "mark",
      {
        class: `mention ${mention.alignment} review-${mention.review}${doubt}`,
        id: `mention-${mention.id}`,
        tabindex: "-1",
        "data-id": mention.id,
        "data-type": mention.type,
        "data-alignment": mention.alignment,
        "data-review": mention.review,
        "aria-label": label(mention),
        title: label(mention),
      },
      ...piece.children.map(draw),
    );
    mark.style.setProperty("--type-color", (colors.get(mention.type) ?? NO_COLOR).light);
    mark.addEventListener("click", (event) => {
      // A click that ends a selection (to move a boundary or add a mention) is not a focus change.
      if (!document.getSelection()?.isCollapsed) return;
      event.stopPropagation();
      focusMark(mark);
    });
    return mark;
  }

  return {
    element,
    body,
    render(text, base, mentions) {
      const { pieces, crossing } = segmentText(text, base, mentions);
      body.replaceChildren(...pieces.map(draw));
      notes.textContent = crossing.length
        ? t("text.crossing", { mentions: crossing.map((m) => m.text).join("; ") })
        : "";
      announce.textContent = "";
    },
    focusMention(id) {
      const mark = body.querySelector<HTMLElement>(`mark[data-id="${CSS.escape(id)}"]`);
      if (mark) focusMark(mark);
      return Boolean(mark);
    },
    focusEdge(edge) {
      const shown = visible();
      const mark = edge === "first" ? shown[0] : shown.at(-1);
      if (mark) focusMark(mark);
      return Boolean(mark);
    },
    step(direction) {
      // From the current mention, even one just filtered out, to the next visible one either way.
      const all = marks();
      const at = all.findIndex((m) => m.classList.contains("current"));
      let index = at === -1 ? (direction === 1 ? -1 : all.length) : at;
      for (index += direction; all[index]?.classList.contains("off"); index += direction);
      const mark = all[index];
      if (mark) focusMark(mark);
      return Boolean(mark);
    },
    current() {
      return body.querySelector<HTMLElement>("mark.mention.current")?.dataset.id;
    },
  };
}
