/**
 * A document: its result without the text (rejected items, warnings, pages) and its review record
 * (every mention with its review state), then the text and image of one page at a time, fetched when
 * the page is shown. The address says the page and the current mention
 * (#/documents/ID?profile=P&page=N&mention=mK), so a mention can be linked to. Corrections go through
 * the review store; each one redraws the page's highlights and outlines, the entities and the progress.
 */
import { getOutline, type Outline, type OutputPage } from "./api.js";
import { typeColors } from "./colors.js";
import { documentAside } from "./document-aside.js";
import { documentHeader } from "./document-header.js";
import { documentKeys } from "./document-keys.js";
import { h } from "./dom.js";
import { applyFilters, filters } from "./filters.js";
import { t } from "./i18n/index.js";
import { pageReader } from "./page-reader.js";
import { getProfile, getRecord, type ProfileSchema, type ReviewedMention } from "./review-api.js";
import { conflictNotice } from "./review-conflict.js";
import { reviewPanel } from "./review-panel.js";
import { progressSummary } from "./review-progress.js";
import { type ReviewStore, reviewStore } from "./review-store.js";
import { documentHref } from "./routes.js";
import { followSelection } from "./selection.js";
import { selectionBar } from "./selection-bar.js";

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
  const pages: OutputPage[] = source.pages.length
    ? source.pages
    : [{ number: 1, start: 0, end: source.characters, needsOcr: false }];
  const job = params.get("job");
  const address = (at: { page: number; mention?: string }) => documentHref(id, profile.name, { job, ...at });
  const hidden = new Set<string>();

  const reader = pageReader({
    document: id,
    profile: profile.name,
    language: source.language,
    pages,
    mentions,
    colors,
    hidden,
    root: main,
    onFocus(mention, page) {
      panel.show(mention);
      history.replaceState(null, "", address({ page: page.number, mention }));
    },
    onPage: (page) => history.replaceState(null, "", address({ page: page.number })),
    onDrawn: () => selection.reset(),
    signal,
  });
  const selection = followSelection(reader.text.body, reader.base, (s) => bar.show(s), signal);
  const panel = reviewPanel(id, store, schema, selection);
  const bar = selectionBar(id, store, schema, selection);
  const keys = documentKeys(
    {
      next: () => reader.step(1),
      previous: () => reader.step(-1),
      nextPage: () => reader.turn(1),
      previousPage: () => reader.turn(-1),
      accept: () => panel.accept(),
      reject: () => panel.reject(),
    },
    signal,
  );

  const mentionHref = (m: ReviewedMention) => address({ page: m.page, mention: m.id });
  const aside = documentAside(id, outline, store, panel, colors, mentionHref, (next) => update(next));
  const progress = h(
    "p",
    { class: "review-progress", role: "status" },
    progressSummary(store.record().progress),
  );

  /** The type filters, with the number of mentions of each type not rejected. */
  const filterSlot = h("div");
  const drawFilters = () => {
    const counts = new Map<string, number>();
    for (const m of mentions())
      if (m.review !== "rejected") counts.set(m.type, (counts.get(m.type) ?? 0) + 1);
    filterSlot.replaceChildren(filters(colors, counts, hidden, () => applyFilters(main, hidden)));
  };
  drawFilters();

  // After a correction: the page's highlights and outlines, the filters and progress drawn again.
  store.subscribe(() => {
    drawFilters();
    progress.textContent = progressSummary(store.record().progress);
    reader.redraw();
  });

  // Text, page image and review side by side, under a short header: the page image gets the height.
  main.replaceChildren(
    ...documentHeader(id, outline, pages, job),
    h("div", { class: "document-status" }, progress, reader.pager.element, reader.pager.status),
    conflictNotice(id, profile.name, store),
    h(
      "div",
      { class: "columns" },
      h("div", { class: "reading-column" }, bar.element, reader.text.element, filterSlot, keys),
      reader.figure,
      aside,
    ),
  );
  main.classList.add("document-main");
  signal.addEventListener("abort", () => main.classList.remove("document-main"));

  function update(next: URLSearchParams): void {
    const mention = next.get("mention");
    const target = mention ? mentions().find((m) => m.id === mention) : undefined;
    if (target) void reader.show(target.page, { mention: target.id });
    else void reader.show(Number(next.get("page")) || 1);
  }
  update(params);
  return { shows: () => true, update };
}
