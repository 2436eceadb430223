/**
 * A document: its result without the text (rejected items, warnings, pages) and its review record
 * (every mention with its review state), then the text and image of one page at a time, fetched when
 * the page is shown. The address says the page and the current mention
 * (#/documents/ID?profile=P&page=N&mention=mK), so a mention can be linked to. Corrections go through
 * the review store; each one redraws the page's highlights and outlines, the entities and the progress.
 */
import { getOutline, type Outline, type OutputPage, type PageView } from "./api.js";
import { typeColors } from "./colors.js";
import { documentHeader } from "./document-header.js";
import { documentKeys } from "./document-keys.js";
import { h } from "./dom.js";
import { editorField } from "./editor-name.js";
import { entityList, rejectedList, warningList } from "./entity-list.js";
import { applyFilters, filters } from "./filters.js";
import { t } from "./i18n/index.js";
import { pagePager } from "./page-pager.js";
import { type PageViewer, pageViewer } from "./page-viewer.js";
import { getProfile, getRecord, onPage, type ProfileSchema, type ReviewedMention } from "./review-api.js";
import { conflictNotice } from "./review-conflict.js";
import { reviewHistory } from "./review-history.js";
import { reviewPanel } from "./review-panel.js";
import { progressSummary } from "./review-progress.js";
import { type ReviewStore, reviewStore } from "./review-store.js";
import { documentHref } from "./routes.js";
import { followSelection } from "./selection.js";
import { selectionBar } from "./selection-bar.js";
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
  main.append(h("p", { role: "status" }, t("document.loading")));
  // The address may name no profile (the latest result): the one loaded counts once it is known.
  let profile = params.get("profile");
  const ready = load(id, profile ?? undefined).then(
    ({ outline, store, schema }) => {
      profile = outline.profile.name;
      return signal.aborted ? undefined : draw(main, { id, outline, store, schema }, params, signal);
    },
    (error: Error) => {
      main.replaceChildren(h("h1", {}, t("document.title")), h("p", { role: "alert" }, error.message));
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

interface Loaded {
  id: string;
  outline: Outline;
  store: ReviewStore;
  schema: ProfileSchema;
}

async function load(id: string, profile: string | undefined): Promise<Omit<Loaded, "id">> {
  const outline = await getOutline(id, profile);
  const name = outline.profile.name;
  const [record, schema] = await Promise.all([
    getRecord(id, name),
    // A profile no longer served still lets the types found be corrected among themselves.
    getProfile(name).catch(() => ({
      name,
      types: [...new Set(outline.entities.map((m) => m.type))],
      schema: {},
    })),
  ]);
  return { outline, store: reviewStore(id, name, record), schema };
}

function draw(
  main: HTMLElement,
  { id, outline, store, schema }: Loaded,
  params: URLSearchParams,
  signal: AbortSignal,
): DocumentView {
  const { document: source, profile } = outline;
  const mentions = () => store.record().mentions;
  const colors = typeColors([...schema.types, ...mentions().map((m) => m.type)]);
  const counts = new Map<string, number>();
  for (const m of mentions()) counts.set(m.type, (counts.get(m.type) ?? 0) + 1);
  const pages: OutputPage[] = source.pages.length
    ? source.pages
    : [{ number: 1, start: 0, end: source.characters, needsOcr: false }];
  const job = params.get("job");
  const address = (at: { page: number; mention?: string }) => documentHref(id, profile.name, { job, ...at });
  let hidden = new Set<string>();
  const isVisible = (m: ReviewedMention) =>
    !hidden.has(`type:${m.type}`) && !hidden.has(`alignment:${m.alignment}`);

  let viewer: PageViewer | undefined;
  const text = textView(colors, source.language, (mentionId) => {
    viewer?.select(mentionId);
    panel.show(mentionId);
    history.replaceState(null, "", address({ page: current.number, mention: mentionId }));
  });
  const selection = followSelection(
    text.body,
    () => drawn?.page.start ?? 0,
    (s) => bar.show(s),
    signal,
  );
  const panel = reviewPanel(id, store, schema, selection);
  const bar = selectionBar(id, store, schema, selection);
  const figureSlot = h("div", { class: "figure-slot" });
  const pager = pagePager(id, profile.name, pages, (number) => void showPage(number));
  signal.addEventListener("abort", () => viewer?.destroy());

  let current: OutputPage = pages[0] as OutputPage;
  /** The page whose text is drawn. */
  let drawn: { page: OutputPage; view: PageView } | undefined;

  const outlined = (page: OutputPage) =>
    onPage(mentions(), page.number).map((m) => ({ ...m, boxes: m.lineBoxes ?? (m.bbox ? [m.bbox] : []) }));

  function drawPage(page: OutputPage, view: PageView): void {
    drawn = { page, view };
    text.render(view.text, page.start, onPage(mentions(), page.number));
    selection.reset();
    viewer?.destroy();
    const withBoxes = page.width !== undefined && page.height !== undefined;
    const image = view.links.image
      ? { iiif: `/iiif/${encodeURIComponent(id)}/${page.number}/info.json`, image: view.links.image }
      : undefined;
    viewer =
      image || withBoxes
        ? pageViewer(page, image, outlined(page), colors, (mentionId) => text.focusMention(mentionId))
        : undefined;
    figureSlot.replaceChildren(viewer?.element ?? "");
    figureSlot.hidden = !viewer;
    applyFilters(main, hidden);
  }

  /** Shows a page (when it is not shown already), then focuses a mention or an end of the page. */
  async function showPage(number: number, focus?: { mention: string } | "first" | "last"): Promise<void> {
    const page = pages.find((p) => p.number === number);
    if (!page) return;
    // The page asked for last wins: a slower fetch of a page left meanwhile is not drawn.
    current = page;
    if (page !== drawn?.page) {
      pager.status.textContent = t("pager.loading", { page: page.number });
      let view: PageView;
      try {
        view = await pager.fetch(page);
      } catch (error) {
        if (current === page) pager.status.textContent = (error as Error).message;
        return;
      }
      if (signal.aborted || current !== page) return;
      drawPage(page, view);
    }
    pager.mark(page);
    if (focus === "first" || focus === "last") text.focusEdge(focus);
    else if (focus) text.focusMention(focus.mention);
    if (!focus || typeof focus === "string") history.replaceState(null, "", address({ page: page.number }));
  }

  /** The next page either way with a mention the filters show. */
  function pageWithMention(direction: 1 | -1): number | undefined {
    const numbers = mentions()
      .filter((m) => isVisible(m) && (direction === 1 ? m.page > current.number : m.page < current.number))
      .map((m) => m.page);
    return numbers.length ? (direction === 1 ? Math.min(...numbers) : Math.max(...numbers)) : undefined;
  }

  function stepMention(direction: 1 | -1): void {
    if (text.step(direction)) return;
    const target = pageWithMention(direction);
    if (target === undefined) pager.status.textContent = t(direction === 1 ? "keys.last" : "keys.first");
    else void showPage(target, direction === 1 ? "first" : "last");
  }

  const keys = documentKeys(
    {
      next: () => stepMention(1),
      previous: () => stepMention(-1),
      nextPage: () => current !== pages.at(-1) && void showPage(current.number + 1),
      previousPage: () => current !== pages[0] && void showPage(current.number - 1),
      accept: () => panel.accept(),
      reject: () => panel.reject(),
    },
    signal,
  );

  const mentionHref = (m: ReviewedMention) => address({ page: m.page, mention: m.id });
  const entities = h("div", {}, entityList(mentions(), colors, mentionHref));
  const progress = h(
    "p",
    { class: "review-progress", role: "status" },
    progressSummary(store.record().progress),
  );
  const aside = h(
    "aside",
    { "aria-label": t("document.aside") },
    editorField(),
    panel.element,
    reviewHistory(id, profile.name, store),
    entities,
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

  // After a correction: the page's highlights and outlines, the entities and the progress drawn again.
  store.subscribe(() => {
    progress.textContent = progressSummary(store.record().progress);
    entities.replaceChildren(entityList(mentions(), colors, mentionHref));
    if (!drawn) return;
    const focused = text.current();
    text.render(drawn.view.text, drawn.page.start, onPage(mentions(), drawn.page.number));
    selection.reset();
    viewer?.update(outlined(drawn.page));
    applyFilters(main, hidden);
    if (focused) text.focusMention(focused);
  });

  // Text, page image and review side by side, under a short header: the page image gets the height.
  const reading = h(
    "div",
    { class: "reading-column" },
    bar.element,
    text.element,
    filters(colors, counts, (keys) => {
      hidden = keys;
      applyFilters(main, hidden);
    }),
    keys,
  );
  main.replaceChildren(
    ...documentHeader(id, outline, pages, job),
    h("div", { class: "document-status" }, progress, pager.element, pager.status),
    conflictNotice(id, profile.name, store),
    h("div", { class: "columns" }, reading, figureSlot, aside),
  );
  main.classList.add("document-main");
  signal.addEventListener("abort", () => main.classList.remove("document-main"));

  function update(next: URLSearchParams): void {
    const mention = next.get("mention");
    const target = mention ? mentions().find((m) => m.id === mention) : undefined;
    if (target) void showPage(target.page, { mention: target.id });
    else void showPage(Number(next.get("page")) || 1);
  }
  update(params);
  return { shows: () => true, update };
}
