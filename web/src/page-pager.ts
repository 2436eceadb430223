/**
 * Moving through a document's pages: the Previous and Next buttons and the page field, with a status
 * line saying which page is shown and how it was read. Each page's text is fetched once, when it is
 * first shown (a failed fetch is tried again the next time).
 */
import { getPage, type OutputPage, type PageView } from "./api.js";
import { h } from "./dom.js";
import { type MessageKey, t } from "./i18n/index.js";

export interface PagePager {
  /** The page navigation (empty for a one-page document). */
  element: HTMLElement | "";
  status: HTMLElement;
  /** Marks a page as the current one: the field, the buttons and the status line. */
  mark(page: OutputPage): void;
  /** The page's text and image link, fetched once. */
  fetch(page: OutputPage): Promise<PageView>;
}

export function pagePager(
  documentId: string,
  profile: string,
  pages: OutputPage[],
  go: (number: number) => void,
): PagePager {
  const previous = h("button", { type: "button" }, t("pager.previous"));
  const next = h("button", { type: "button" }, t("pager.next"));
  const input = h("input", {
    type: "number",
    id: "page-number",
    min: "1",
    max: String(pages.length),
    inputmode: "numeric",
  });
  const status = h("p", { class: "status", role: "status" });
  let current = pages[0] as OutputPage;
  previous.addEventListener("click", () => go(current.number - 1));
  next.addEventListener("click", () => go(current.number + 1));
  input.addEventListener("change", () => {
    const number = Number(input.value);
    if (Number.isInteger(number) && number >= 1 && number <= pages.length) go(number);
    else status.textContent = t("pager.noSuchPage", { page: input.value, count: pages.length });
  });
  const views = new Map<number, Promise<PageView>>();
  return {
    element:
      pages.length > 1
        ? h(
            "nav",
            { "aria-label": t("pager.label"), class: "pager" },
            previous,
            h("label", { for: "page-number" }, t("pager.page")),
            input,
            h("span", {}, t("pager.of", { count: pages.length })),
            next,
          )
        : "",
    status,
    mark(page) {
      current = page;
      input.value = String(page.number);
      previous.disabled = page === pages[0];
      next.disabled = page === pages.at(-1);
      status.textContent = `${t("pager.shown", { page: page.number, count: pages.length })}${describeReading(page)}`;
    },
    fetch(page) {
      let view = views.get(page.number);
      if (!view) {
        view = getPage(documentId, page.number, profile);
        view.catch(() => views.delete(page.number));
        views.set(page.number, view);
      }
      return view;
    },
  };
}

const READINGS: Record<string, MessageKey> = {
  "text-layer": "reading.textLayer",
  alto: "reading.alto",
  "page-xml": "reading.pageXml",
  hocr: "reading.hocr",
};

/** How the page was read: " · read by OCR (tesseract 5, frk, mean confidence 91%)". */
function describeReading(page: OutputPage): string {
  const reading = page.reading;
  if (!reading) return "";
  if (reading.method === "ocr") {
    const confidence =
      reading.confidence === undefined
        ? ""
        : t("reading.confidence", { percent: Math.round(reading.confidence * 100) });
    return ` · ${t("reading.ocr", { engine: reading.engine, model: reading.model, confidence })}`;
  }
  return ` · ${t(READINGS[reading.method] ?? "reading.textLayer")}`;
}
