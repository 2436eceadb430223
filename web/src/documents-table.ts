/**
 * The stored documents, newest result first (GET /v1/documents), each with its counts, how far its
 * review is, and a link to open it; found by name with the search field, and by review state. Read
 * again when a job ends.
 */
import { type DocumentSummary, listDocuments } from "./api.js";
import { h, placeChildren, rowCache } from "./dom.js";
import { formatDate, formatNumber, t } from "./i18n/index.js";
import type { DocumentReviewState } from "./review-api.js";
import { DOCUMENT_STATES, describeProgress } from "./review-progress.js";
import { documentHref } from "./routes.js";

/** Typing pauses this long before the list is asked for again. */
const SEARCH_DELAY_MS = 300;

export function documentsTable(signal: AbortSignal): { element: HTMLElement; refresh(): void } {
  const body = h("tbody");
  const status = h("p", { class: "status", role: "status" });
  const more = h("button", { type: "button", hidden: true }, t("documents.more"));
  const search = h("input", { type: "search", id: "document-search", autocomplete: "off" });
  const review = h(
    "select",
    { id: "document-review" },
    h("option", { value: "" }, t("documents.anyReview")),
    ...Object.entries(DOCUMENT_STATES).map(([state, key]) => h("option", { value: state }, t(key))),
  );
  const element = h(
    "section",
    { "aria-labelledby": "documents-title" },
    h("h2", { id: "documents-title" }, t("documents.title")),
    h(
      "p",
      { class: "inline" },
      h("label", { for: "document-search" }, t("documents.find")),
      search,
      h("label", { for: "document-review" }, t("documents.review")),
      review,
    ),
    h(
      "table",
      { class: "documents" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[
            t("documents.name"),
            t("documents.type"),
            t("documents.pages"),
            t("documents.mentions"),
            t("documents.rejected"),
            t("documents.profile"),
            t("documents.extracted"),
            t("documents.reviewColumn"),
            "",
          ].map((title) => h("th", { scope: "col" }, title)),
        ),
      ),
      body,
    ),
    status,
    more,
  );
  const row = rowCache<DocumentSummary>(
    (d) => `${d.id} ${d.profile}`,
    (d) => `${d.createdAt} ${JSON.stringify(d.review)}`,
    (d) => {
      const name = d.name ?? d.id.slice(0, 12);
      return h(
        "tr",
        {},
        h("td", { dir: "auto" }, name),
        h("td", {}, d.mediaType),
        h("td", {}, formatNumber(d.pages)),
        h("td", {}, formatNumber(d.mentions)),
        h("td", {}, formatNumber(d.rejected)),
        h("td", {}, d.profile),
        h("td", {}, h("time", { datetime: d.createdAt }, formatDate(d.createdAt))),
        h(
          "td",
          { class: "review-cell" },
          d.review ? h("strong", {}, t(DOCUMENT_STATES[d.review.state])) : "",
          d.review ? h("br") : "",
          d.review ? h("small", {}, describeProgress(d.review)) : "",
        ),
        h("td", {}, h("a", { href: documentHref(d.id, d.profile) }, t("documents.open", { name }))),
      );
    },
  );
  /** Pages of the list shown: a refresh reads them all again. */
  let pages = 1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener("abort", () => clearTimeout(timer));

  const asked = () => ({
    q: search.value.trim() || undefined,
    review: (review.value || undefined) as DocumentReviewState | undefined,
  });
  async function load(): Promise<void> {
    const question = asked();
    const documents: DocumentSummary[] = [];
    let before: string | undefined;
    for (let page = 0; page < pages; page++) {
      const answer = await listDocuments({ before, ...question });
      documents.push(...answer.documents);
      before = answer.next;
      if (!before) break;
    }
    if (signal.aborted || JSON.stringify(asked()) !== JSON.stringify(question)) return;
    placeChildren(body, documents.map(row));
    more.hidden = !before;
    status.textContent = documents.length
      ? ""
      : question.q
        ? t("documents.noMatch", { q: question.q })
        : question.review
          ? t("documents.noneInState")
          : t("documents.none");
  }
  const refresh = () => {
    load().catch((error: Error) => {
      status.textContent = error.message;
    });
  };
  search.addEventListener("input", () => {
    clearTimeout(timer);
    pages = 1;
    timer = setTimeout(refresh, SEARCH_DELAY_MS);
  });
  review.addEventListener("change", () => {
    pages = 1;
    refresh();
  });
  more.addEventListener("click", () => {
    pages++;
    refresh();
  });
  refresh();
  return { element, refresh };
}
