/**
 * The page shown of a document: its text with the mentions highlighted and its image with them
 * outlined, the pager, and moving from mention to mention (on to the next page that has one). Each
 * page's text is fetched when it is first shown; the page asked for last wins.
 */
import type { OutputPage, PageView } from "./api.js";
import type { TypeColor } from "./colors.js";
import { h } from "./dom.js";
import { applyFilters } from "./filters.js";
import { t } from "./i18n/index.js";
import { type PagePager, pagePager } from "./page-pager.js";
import { type PageViewer, pageViewer } from "./page-viewer.js";
import { onPage, type ReviewedMention } from "./review-api.js";
import { type TextView, textView } from "./text-view.js";

export interface PageReaderOptions {
  document: string;
  profile: string;
  language: string | undefined;
  pages: OutputPage[];
  /** The record's mentions as they are now. */
  mentions: () => readonly ReviewedMention[];
  colors: Map<string, TypeColor>;
  /** The filter keys unticked; `root` holds what they apply to. */
  hidden: Set<string>;
  root: HTMLElement;
  /** A mention took the focus (by key, click or link). */
  onFocus(mention: string, page: OutputPage): void;
  /** A page was shown without a mention to focus. */
  onPage(page: OutputPage): void;
  /** The text was drawn again (a selection in it is gone). */
  onDrawn(): void;
  signal: AbortSignal;
}

export interface PageReader {
  text: TextView;
  figure: HTMLElement;
  pager: PagePager;
  /** Shows a page, then focuses a mention or an end of the page. */
  show(number: number, focus?: { mention: string } | "first" | "last"): Promise<void>;
  /** To the next (1) or previous (-1) mention the filters show, across pages. */
  step(direction: 1 | -1): void;
  /** To the next (1) or previous (-1) page, if there is one. */
  turn(direction: 1 | -1): void;
  /** Draws the page's highlights and outlines again (after a correction), the focus kept. */
  redraw(): void;
  /** Where the text drawn starts, in document code points. */
  base(): number;
}

export function pageReader(options: PageReaderOptions): PageReader {
  const { pages, mentions, colors, hidden, root, signal } = options;
  let current: OutputPage = pages[0] as OutputPage;
  /** The page whose text is drawn. */
  let drawn: { page: OutputPage; view: PageView } | undefined;
  let viewer: PageViewer | undefined;
  signal.addEventListener("abort", () => viewer?.destroy());

  const text = textView(colors, options.language, (mention) => {
    viewer?.select(mention);
    options.onFocus(mention, current);
  });
  const figure = h("div", { class: "figure-slot" });
  const pager = pagePager(options.document, options.profile, pages, (number) => void show(number));
  const visible = (m: ReviewedMention) =>
    !hidden.has(`type:${m.type}`) && !hidden.has(`alignment:${m.alignment}`);
  const outlined = (page: OutputPage) =>
    onPage(mentions(), page.number).map((m) => ({ ...m, boxes: m.lineBoxes ?? (m.bbox ? [m.bbox] : []) }));

  function draw(page: OutputPage, view: PageView): void {
    drawn = { page, view };
    text.render(view.text, page.start, onPage(mentions(), page.number));
    options.onDrawn();
    viewer?.destroy();
    const boxed = page.width !== undefined && page.height !== undefined;
    const image = view.links.image
      ? {
          iiif: `/iiif/${encodeURIComponent(options.document)}/${page.number}/info.json`,
          image: view.links.image,
        }
      : undefined;
    viewer =
      image || boxed
        ? pageViewer(page, image, outlined(page), colors, (mention) => text.focusMention(mention))
        : undefined;
    figure.replaceChildren(viewer?.element ?? "");
    figure.hidden = !viewer;
    applyFilters(root, hidden);
  }

  async function show(number: number, focus?: { mention: string } | "first" | "last"): Promise<void> {
    const page = pages.find((p) => p.number === number);
    if (!page) return;
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
      // A slower fetch of a page left meanwhile is not drawn.
      if (signal.aborted || current !== page) return;
      draw(page, view);
    }
    pager.mark(page);
    if (focus === "first" || focus === "last") text.focusEdge(focus);
    else if (focus) text.focusMention(focus.mention);
    if (!focus || typeof focus === "string") options.onPage(page);
  }

  /** The next page either way with a mention the filters show. */
  function pageWithMention(direction: 1 | -1): number | undefined {
    const numbers = mentions()
      .filter((m) => visible(m) && (direction === 1 ? m.page > current.number : m.page < current.number))
      .map((m) => m.page);
    return numbers.length ? (direction === 1 ? Math.min(...numbers) : Math.max(...numbers)) : undefined;
  }

  return {
    text,
    figure,
    pager,
    show,
    step(direction) {
      if (text.step(direction)) return;
      const target = pageWithMention(direction);
      if (target === undefined) pager.status.textContent = t(direction === 1 ? "keys.last" : "keys.first");
      else void show(target, direction === 1 ? "first" : "last");
    },
    turn(direction) {
      const next = pages[pages.indexOf(current) + direction];
      if (next) void show(next.number);
    },
    redraw() {
      if (!drawn) return;
      const focused = text.current();
      text.render(drawn.view.text, drawn.page.start, onPage(mentions(), drawn.page.number));
      options.onDrawn();
      viewer?.update(outlined(drawn.page));
      applyFilters(root, hidden);
      if (focused) text.focusMention(focused);
    },
    base: () => drawn?.page.start ?? 0,
  };
}
