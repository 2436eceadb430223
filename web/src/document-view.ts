/**
 * A document: its text page by page (only the current page is drawn) with the mentions highlighted,
 * filters, the entities grouped, the rejected items and the exports.
 */
import { type Extraction, getExtraction, type OutputMention } from "./api.js";
import { typeColors } from "./colors.js";
import { h } from "./dom.js";
import { entityList, rejectedList } from "./entity-list.js";
import { applyFilters, filters } from "./filters.js";
import { textView } from "./text-view.js";

export async function showDocument(main: HTMLElement, id: string, params: URLSearchParams): Promise<void> {
  const profile = params.get("profile") ?? undefined;
  const job = params.get("job");
  main.append(h("p", { role: "status" }, "Loading the document…"));
  let result: Extraction;
  try {
    result = await getExtraction(id, profile);
  } catch (error) {
    main.replaceChildren(h("h1", {}, "Document"), h("p", { role: "alert" }, (error as Error).message));
    return;
  }
  const controller = new AbortController();
  window.addEventListener("hashchange", () => controller.abort(), { once: true });

  const { document: source, entities } = result;
  const colors = typeColors(entities.map((m) => m.type));
  const counts = new Map<string, number>();
  for (const m of entities) counts.set(m.type, (counts.get(m.type) ?? 0) + 1);
  const pages = source.pages.length
    ? source.pages
    : [{ number: 1, start: 0, end: Array.from(result.text).length, needsOcr: false }];
  let hidden = new Set<string>();

  const text = textView(result.text, entities, colors, source.language, controller.signal);
  const pageLabel = h("span", { "aria-live": "polite" });
  const previous = h("button", { type: "button" }, "Previous page");
  const next = h("button", { type: "button" }, "Next page");
  let current = 0;
  const showPage = (index: number) => {
    const page = pages[index];
    if (!page) return;
    current = index;
    text.render(page.start, page.end);
    applyFilters(text.element, hidden);
    pageLabel.textContent = `Page ${page.number} of ${pages.length}`;
    previous.disabled = index === 0;
    next.disabled = index === pages.length - 1;
  };
  previous.addEventListener("click", () => showPage(current - 1));
  next.addEventListener("click", () => showPage(current + 1));
  const show = (mention: OutputMention) => {
    const index = pages.findIndex((p) => mention.start >= p.start && mention.end <= p.end);
    if (index !== current) showPage(index);
    text.focusMention(mention.id);
  };

  const base = `/v1/documents/${encodeURIComponent(id)}/entities?profile=${encodeURIComponent(result.profile.name)}`;
  const exports = h(
    "nav",
    { "aria-label": "Exports", class: "exports" },
    h("a", { href: base, download: `${id}.json` }, "JSON"),
    job && h("a", { href: `/v1/jobs/${encodeURIComponent(job)}/results?format=jsonl` }, "JSON Lines"),
    job && h("a", { href: `/v1/jobs/${encodeURIComponent(job)}/results?format=csv` }, "CSV"),
  );

  main.replaceChildren(
    h("h1", { dir: "auto" }, source.filename ?? id),
    h(
      "p",
      { class: "meta" },
      `${source.mediaType} · ${source.characters} characters · language ${source.language ?? "unknown"} · profile ${result.profile.name} · ${entities.length} mentions`,
    ),
    exports,
    filters(colors, counts, (keys) => {
      hidden = keys;
      applyFilters(text.element, hidden);
    }),
    h("p", { class: "hint", id: "keys" }, "Keys: n or j for the next mention, p or k for the previous one."),
    pages.length > 1 ? h("nav", { "aria-label": "Pages", class: "pager" }, previous, pageLabel, next) : "",
    h(
      "div",
      { class: "columns" },
      text.element,
      h("aside", {}, entityList(entities, colors, show), rejectedList(result.rejected)),
    ),
  );
  showPage(0);
}
