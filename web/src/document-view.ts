/**
 * A document: its result without the text (entities, rejected items, warnings, pages), then the
 * text and image of one page at a time, fetched when the page is shown. The address says the page
 * and the current mention (#/documents/ID?profile=P&page=N&mention=mK), so a mention can be linked to.
 */
import { actionButton } from "./action-button.js";
import {
  deleteDocument,
  entitiesUrl,
  exportsOf,
  getOutline,
  getPage,
  type Outline,
  type OutputMention,
  type OutputPage,
  type PageView,
} from "./api.js";
import { typeColors } from "./colors.js";
import { h } from "./dom.js";
import { entityList, rejectedList, warningList } from "./entity-list.js";
import { applyFilters, filters } from "./filters.js";
import { type PageFigure, pageFigure } from "./page-figure.js";
import { documentHref, jobHref } from "./routes.js";
import { textView } from "./text-view.js";

export interface DocumentView {
  /** Whether an address naming this profile (or none) is for the result shown. */
  shows(profile: string | null): boolean;
  /** Follows a new address for the same result (another page or mention) without reloading it. */
  update(params: URLSearchParams): void;
}

export function showDocument(
  main: HTMLElement,
  id: string,
  params: URLSearchParams,
  signal: AbortSignal,
): DocumentView {
  main.append(h("p", { role: "status" }, "Loading the document…"));
  // The address may name no profile (the latest result): the one loaded counts once it is known.
  let profile = params.get("profile");
  const ready = getOutline(id, profile ?? undefined).then(
    (outline) => {
      profile = outline.profile.name;
      return signal.aborted ? undefined : draw(main, id, outline, params, signal);
    },
    (error: Error) => {
      main.replaceChildren(h("h1", {}, "Document"), h("p", { role: "alert" }, error.message));
      return undefined;
    },
  );
  return {
    shows: (named) => !named || !profile || named === profile,
    update(next) {
      void ready.then((view) => view?.update(next));
    },
  };
}

function draw(
  main: HTMLElement,
  id: string,
  outline: Outline,
  params: URLSearchParams,
  signal: AbortSignal,
): DocumentView {
  const { document: source, entities, profile } = outline;
  const colors = typeColors(entities.map((m) => m.type));
  const counts = new Map<string, number>();
  for (const m of entities) counts.set(m.type, (counts.get(m.type) ?? 0) + 1);
  const pages: OutputPage[] = source.pages.length
    ? source.pages
    : [{ number: 1, start: 0, end: source.characters, needsOcr: false }];
  const job = params.get("job");
  const address = (at: { page: number; mention?: string }) => documentHref(id, profile.name, { job, ...at });
  let hidden = new Set<string>();
  const isVisible = (m: OutputMention) =>
    !hidden.has(`type:${m.type}`) && !hidden.has(`alignment:${m.alignment}`);

  let figure: PageFigure | undefined;
  const text = textView(colors, source.language, (mentionId) => {
    figure?.select(mentionId);
    history.replaceState(null, "", address({ page: current.number, mention: mentionId }));
  });
  const figureSlot = h("div", { class: "figure-slot" });
  const pageStatus = h("p", { class: "status", role: "status" });

  // Page navigation: buttons, a page number field, and [ ] keys.
  const previous = h("button", { type: "button" }, "Previous page");
  const next = h("button", { type: "button" }, "Next page");
  const pageInput = h("input", {
    type: "number",
    id: "page-number",
    min: "1",
    max: String(pages.length),
    inputmode: "numeric",
  });
  const pager = h(
    "nav",
    { "aria-label": "Pages", class: "pager" },
    previous,
    h("label", { for: "page-number" }, "Page"),
    pageInput,
    h("span", {}, `of ${pages.length}`),
    next,
  );

  const pageViews = new Map<number, Promise<PageView>>();
  const fetchPage = (number: number) => {
    let view = pageViews.get(number);
    if (!view) {
      view = getPage(id, number, profile.name);
      // A failed fetch is not kept: showing the page again tries again.
      view.catch(() => pageViews.delete(number));
      pageViews.set(number, view);
    }
    return view;
  };

  let current: OutputPage = pages[0] as OutputPage;
  /** The page whose text is drawn. */
  let drawn: OutputPage | undefined;
  /** Shows a page (when it is not shown already), then focuses a mention or an end of the page. */
  async function showPage(number: number, focus?: { mention: string } | "first" | "last"): Promise<void> {
    const page = pages.find((p) => p.number === number);
    if (!page) return;
    // The page asked for last wins: a slower fetch of a page left meanwhile is not drawn.
    current = page;
    pageInput.value = String(page.number);
    previous.disabled = page === pages[0];
    next.disabled = page === pages.at(-1);
    const about = `Page ${page.number} of ${pages.length}${describeReading(page)}`;
    if (page === drawn) pageStatus.textContent = about;
    else {
      pageStatus.textContent = `Loading page ${page.number}…`;
      let view: PageView;
      try {
        view = await fetchPage(page.number);
      } catch (error) {
        if (current === page) pageStatus.textContent = (error as Error).message;
        return;
      }
      if (signal.aborted || current !== page) return;
      drawn = page;
      text.render(view.text, page.start, view.entities);
      const withBoxes = page.width !== undefined && page.height !== undefined;
      figure =
        view.links.image || withBoxes
          ? pageFigure(page, view.links.image, view.entities, colors, (mentionId) =>
              text.focusMention(mentionId),
            )
          : undefined;
      figureSlot.replaceChildren(figure?.element ?? "");
      figureSlot.hidden = !figure;
      applyFilters(main, hidden);
      pageStatus.textContent = about;
    }
    if (focus === "first" || focus === "last") text.focusEdge(focus);
    else if (focus) text.focusMention(focus.mention);
    if (!focus || typeof focus === "string") history.replaceState(null, "", address({ page: page.number }));
  }

  /** The next page either way with a mention the filters show. */
  function pageWithMention(direction: 1 | -1): number | undefined {
    const candidates = entities.filter(
      (m) => isVisible(m) && (direction === 1 ? m.page > current.number : m.page < current.number),
    );
    const numbers = candidates.map((m) => m.page);
    return numbers.length ? (direction === 1 ? Math.min(...numbers) : Math.max(...numbers)) : undefined;
  }

  function stepMention(direction: 1 | -1): void {
    if (text.step(direction)) return;
    const target = pageWithMention(direction);
    if (target === undefined) {
      pageStatus.textContent = direction === 1 ? "That was the last mention." : "That was the first mention.";
      return;
    }
    void showPage(target, direction === 1 ? "first" : "last");
  }

  const go = (number: number) => void showPage(number);
  previous.addEventListener("click", () => go(current.number - 1));
  next.addEventListener("click", () => go(current.number + 1));
  pageInput.addEventListener("change", () => {
    const number = Number(pageInput.value);
    if (Number.isInteger(number) && number >= 1 && number <= pages.length) go(number);
    else pageStatus.textContent = `There is no page ${pageInput.value}: pages go from 1 to ${pages.length}.`;
  });
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
      if (event.key === "n" || event.key === "j") stepMention(1);
      else if (event.key === "p" || event.key === "k") stepMention(-1);
      else if (event.key === "]" && current !== pages.at(-1)) go(current.number + 1);
      else if (event.key === "[" && current !== pages[0]) go(current.number - 1);
      else return;
      event.preventDefault();
    },
    { signal },
  );

  const mentionHref = (m: OutputMention) => address({ page: m.page, mention: m.id });
  const exports = h(
    "nav",
    { "aria-label": "Exports", class: "exports" },
    h("span", {}, "Download:"),
    ...exportsOf(pages).map(([format, name]) =>
      h("a", { href: entitiesUrl(id, profile.name, format), download: "" }, name),
    ),
    job ? h("a", { href: jobHref(job) }, "Its job") : "",
  );
  const name = source.filename ?? id;
  const deletion = h("p", { class: "status", role: "status" });
  const deleteButton = actionButton({
    text: "Delete this document",
    confirm: `Delete ${name}: its file, and its results for every profile? This cannot be undone.`,
    run: () => deleteDocument(id),
    onDone: () => {
      location.hash = "#/";
    },
    onError: (error) => {
      deletion.textContent = error.message;
    },
  });
  const aside = h(
    "aside",
    { "aria-label": "Entities, rejected items and warnings" },
    entityList(entities, colors, mentionHref),
    rejectedList(outline.rejected),
    warningList(outline.warnings),
  );
  // A link to the mention already in the address changes nothing, so no hashchange: follow it here.
  aside.addEventListener("click", (event) => {
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>("a[data-mention]");
    if (link && link.getAttribute("href") === location.hash) {
      event.preventDefault();
      update(new URLSearchParams(location.hash.split("?")[1]));
    }
  });
  const columns = h("div", { class: "columns" }, text.element, figureSlot, aside);
  main.replaceChildren(
    h("h1", { dir: "auto" }, name),
    h(
      "p",
      { class: "meta" },
      `${source.mediaType} · ${pages.length} page${pages.length === 1 ? "" : "s"} · ${source.characters} characters · language ${source.language ?? "unknown"} · profile ${profile.name} · ${entities.length} mentions`,
    ),
    exports,
    h("div", { class: "actions" }, deleteButton, deletion),
    filters(colors, counts, (keys) => {
      hidden = keys;
      applyFilters(main, hidden);
    }),
    h(
      "p",
      { class: "hint", id: "keys" },
      "Keys: n or j for the next mention, p or k for the previous one (they go on to other pages); ] and [ for the next and previous page.",
    ),
    pages.length > 1 ? pager : "",
    pageStatus,
    columns,
  );

  function update(next: URLSearchParams): void {
    const mention = next.get("mention");
    const target = mention ? entities.find((m) => m.id === mention) : undefined;
    if (target) void showPage(target.page, { mention: target.id });
    else void showPage(Number(next.get("page")) || 1);
  }
  update(params);
  return { shows: () => true, update };
}

function describeReading(page: OutputPage): string {
  const reading = page.reading;
  if (!reading) return "";
  if (reading.method === "ocr") {
    const confidence =
      reading.confidence === undefined ? "" : `, mean confidence ${Math.round(reading.confidence * 100)}%`;
    return ` · read by OCR (${reading.engine}, ${reading.model}${confidence})`;
  }
  const names = { "text-layer": "the PDF's text layer", alto: "ALTO", "page-xml": "PAGE XML", hocr: "hOCR" };
  return ` · read from ${names[reading.method]}`;
}
