/**
 * The stored documents, newest result first (GET /v1/documents), each with its counts and a link to
 * open it; found by name with the search field. Read again when a job ends.
 */
import { type DocumentSummary, listDocuments } from "./api.js";
import { h, placeChildren, rowCache } from "./dom.js";
import { documentHref } from "./routes.js";

/** Typing pauses this long before the list is asked for again. */
const SEARCH_DELAY_MS = 300;

export function documentsTable(signal: AbortSignal): { element: HTMLElement; refresh(): void } {
  const body = h("tbody");
  const status = h("p", { class: "status", role: "status" });
  const more = h("button", { type: "button", hidden: true }, "Show more documents");
  const search = h("input", { type: "search", id: "document-search", autocomplete: "off" });
  const element = h(
    "section",
    { "aria-labelledby": "documents-title" },
    h("h2", { id: "documents-title" }, "Documents"),
    h("p", { class: "inline" }, h("label", { for: "document-search" }, "Find by name"), search),
    h(
      "table",
      { class: "documents" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Name", "Type", "Pages", "Mentions", "Rejected", "Profile", "Extracted", ""].map((title) =>
            h("th", { scope: "col" }, title),
          ),
        ),
      ),
      body,
    ),
    status,
    more,
  );
  const row = rowCache<DocumentSummary>(
    (d) => `${d.id} ${d.profile}`,
    (d) => d.createdAt,
    (d) => {
      const name = d.name ?? d.id.slice(0, 12);
      return h(
        "tr",
        {},
        h("td", { dir: "auto" }, name),
        h("td", {}, d.mediaType),
        h("td", {}, String(d.pages)),
        h("td", {}, String(d.mentions)),
        h("td", {}, String(d.rejected)),
        h("td", {}, d.profile),
        h("td", {}, h("time", { datetime: d.createdAt }, new Date(d.createdAt).toLocaleString())),
        h("td", {}, h("a", { href: documentHref(d.id, d.profile) }, `Open ${name}`)),
      );
    },
  );
  /** Pages of the list shown: a refresh reads them all again. */
  let pages = 1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener("abort", () => clearTimeout(timer));

  async function load(): Promise<void> {
    const q = search.value.trim() || undefined;
    const documents: DocumentSummary[] = [];
    let before: string | undefined;
    for (let page = 0; page < pages; page++) {
      const answer = await listDocuments({ before, q });
      documents.push(...answer.documents);
      before = answer.next;
      if (!before) break;
    }
    if (signal.aborted || (search.value.trim() || undefined) !== q) return;
    placeChildren(body, documents.map(row));
    more.hidden = !before;
    status.textContent = documents.length
      ? ""
      : q
        ? `No document's name contains "${q}".`
        : "No document has a result yet.";
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
  more.addEventListener("click", () => {
    pages++;
    refresh();
  });
  refresh();
  return { element, refresh };
}
