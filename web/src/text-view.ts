/** One page of the document's text with its mentions highlighted, and n/p to move between them. */
import type { OutputMention } from "./api.js";
import { h } from "./dom.js";
import { segmentText } from "./offsets.js";

export interface TextView {
  element: HTMLElement;
  /** Draws code points [from, to) of the text. */
  render(from: number, to: number): void;
  focusMention(id: string): void;
}

export function label(mention: OutputMention): string {
  const grounding = mention.alignment === "exact" ? "exact match" : "fuzzy match";
  return `${mention.type}, ${grounding}: ${mention.text}`;
}

export function textView(
  text: string,
  mentions: OutputMention[],
  colors: Map<string, string>,
  language: string | undefined,
  signal: AbortSignal,
): TextView {
  const body = h("div", { class: "text", dir: "auto", lang: language, "aria-label": "Document text" });
  const announce = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const element = h(
    "section",
    { class: "reading", "aria-label": "Text with highlighted mentions" },
    body,
    announce,
  );

  const visible = () =>
    [...body.querySelectorAll<HTMLElement>("mark.mention")].filter((m) => !m.closest(".off"));

  function focusMark(mark: HTMLElement): void {
    for (const m of body.querySelectorAll(".current")) m.classList.remove("current");
    mark.classList.add("current");
    mark.focus();
    const marks = visible();
    announce.textContent = `Mention ${marks.indexOf(mark) + 1} of ${marks.length}: ${mark.getAttribute("aria-label")}`;
  }

  /** From the current mention, even one just filtered out, to the next visible one either way. */
  function step(direction: 1 | -1): void {
    const all = [...body.querySelectorAll<HTMLElement>("mark.mention")];
    const at = all.findIndex((m) => m.classList.contains("current"));
    let index = at === -1 ? (direction === 1 ? -1 : all.length) : at;
    for (index += direction; all[index]?.classList.contains("off"); index += direction);
    const mark = all[index];
    if (mark) focusMark(mark);
    else
      announce.textContent = direction === 1 ? "Last mention on this page." : "First mention on this page.";
  }

  window.addEventListener(
    "keydown",
    (event) => {
      const target = event.target as HTMLElement;
      if (
        event.altKey ||
        event.ctrlKey ||
        event.metaKey ||
        target.closest("input:not([type=checkbox]), select, textarea")
      )
        return;
      if (event.key === "n" || event.key === "j") step(1);
      else if (event.key === "p" || event.key === "k") step(-1);
      else return;
      event.preventDefault();
    },
    { signal },
  );

  return {
    element,
    render(from, to) {
      const { segments } = segmentText(text, from, to, mentions);
      body.replaceChildren(
        ...segments.map(({ text: piece, mention }) => {
          if (!mention) return piece;
          const mark = h(
            "mark",
            {
              class: `mention ${mention.alignment}`,
              id: `mention-${mention.id}`,
              tabindex: "-1",
              "data-id": mention.id,
              "data-type": mention.type,
              "data-alignment": mention.alignment,
              "aria-label": label(mention),
              title: label(mention),
            },
            piece,
          );
          mark.style.setProperty("--type-color", colors.get(mention.type) ?? "#eee");
          mark.addEventListener("click", () => focusMark(mark));
          return mark;
        }),
      );
      announce.textContent = "";
    },
    focusMention(id) {
      const mark = body.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`);
      if (mark) focusMark(mark);
    },
  };
}
