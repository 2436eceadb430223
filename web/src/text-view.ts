/**
 * One page of the document's text with its mentions highlighted (nested where one lies inside
 * another), and n/p to move from mention to mention. At the last mention of a page the view asks its
 * owner to go on to the next page that has one.
 */
import type { OutputMention } from "./api.js";
import { h } from "./dom.js";
import { type Piece, segmentText } from "./offsets.js";

export interface TextView {
  element: HTMLElement;
  /** Draws a page's text, which starts at document code point `base`, with the page's mentions. */
  render(text: string, base: number, mentions: OutputMention[]): void;
  /** Focuses a mention's highlight; false when it is not drawn on this page. */
  focusMention(id: string): boolean;
  /** Focuses the first or last visible mention of the page; false when there is none. */
  focusEdge(edge: "first" | "last"): boolean;
  /** Moves to the next (1) or previous (-1) visible mention; false at the page's end. */
  step(direction: 1 | -1): boolean;
}

export function label(mention: OutputMention): string {
  return `${mention.type}, ${grounding(mention)}: ${mention.text}`;
}

/** How a mention was matched to the text, in words: "fuzzy match (case, ocr), near miss". */
export function grounding(mention: OutputMention): string {
  const how =
    mention.alignment === "exact"
      ? "exact match"
      : `fuzzy match${mention.differences?.length ? ` (${mention.differences.join(", ")})` : ""}`;
  const miss = mention.nearMiss ? ", near miss: check it" : "";
  const doubt = mention.lowConfidence ? ", low OCR confidence" : "";
  return `${how}${miss}${doubt}`;
}

export function textView(
  colors: Map<string, string>,
  language: string | undefined,
  onFocus: (id: string) => void,
): TextView {
  const body = h("div", { class: "text", dir: "auto", lang: language, "aria-label": "Document text" });
  const notes = h("p", { class: "hint" });
  const announce = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const element = h(
    "section",
    { class: "reading", "aria-label": "Text with highlighted mentions" },
    body,
    notes,
    announce,
  );

  const marks = () => [...body.querySelectorAll<HTMLElement>("mark.mention")];
  const visible = () => marks().filter((m) => !m.classList.contains("off"));

  function focusMark(mark: HTMLElement): void {
    for (const m of body.querySelectorAll(".current")) m.classList.remove("current");
    mark.classList.add("current");
    mark.focus();
    const shown = visible();
    announce.textContent = `Mention ${shown.indexOf(mark) + 1} of ${shown.length} on this page: ${mark.getAttribute("aria-label")}`;
    onFocus(mark.dataset.id ?? "");
  }

  function draw(piece: Piece<OutputMention>): Node {
    if (typeof piece === "string") return document.createTextNode(piece);
    const { mention } = piece;
    const mark = h(
      "mark",
      {
        class: `mention ${mention.alignment}${mention.lowConfidence || mention.nearMiss ? " low-confidence" : ""}`,
        id: `mention-${mention.id}`,
        tabindex: "-1",
        "data-id": mention.id,
        "data-type": mention.type,
        "data-alignment": mention.alignment,
        "aria-label": label(mention),
        title: label(mention),
      },
      ...piece.children.map(draw),
    );
    mark.style.setProperty("--type-color", colors.get(mention.type) ?? "#eee");
    mark.addEventListener("click", (event) => {
      event.stopPropagation();
      focusMark(mark);
    });
    return mark;
  }

  return {
    element,
    render(text, base, mentions) {
      const { pieces, crossing } = segmentText(text, base, mentions);
      body.replaceChildren(...pieces.map(draw));
      notes.textContent = crossing.length
        ? `Not highlighted, as they overlap another mention (see the entity list): ${crossing.map((m) => m.text).join("; ")}.`
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
  };
}
