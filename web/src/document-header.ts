/**
 * The top of a document's view: its name, what it is, its downloads (the model's original among them),
 * the way back to its job, and Delete.
 */
import { actionButton } from "./action-button.js";
import { deleteDocument, entitiesUrl, exportsOf, type Outline, type OutputPage } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n/index.js";
import { originalUrl } from "./review-api.js";
import { jobHref } from "./routes.js";

export function documentHeader(
  id: string,
  outline: Outline,
  pages: OutputPage[],
  job: string | null,
): HTMLElement[] {
  const { document: source, profile } = outline;
  const name = source.filename ?? id;
  const exports = h(
    "nav",
    { "aria-label": t("document.exports"), class: "exports" },
    h("span", {}, t("document.download")),
    ...exportsOf(pages).map(([format, label]) =>
      h("a", { href: entitiesUrl(id, profile.name, format), download: "" }, label),
    ),
    h("a", { href: originalUrl(id, profile.name), download: "" }, t("document.original")),
    job ? h("a", { href: jobHref(job) }, t("document.job")) : "",
  );
  const deletion = h("p", { class: "status", role: "status" });
  const deleteButton = actionButton({
    text: t("document.delete"),
    confirm: t("document.deleteConfirm", { name }),
    run: () => deleteDocument(id),
    onDone: () => {
      location.hash = "#/";
    },
    onError: (error) => {
      deletion.textContent = error.message;
    },
  });
  return [
    h("h1", { dir: "auto" }, name),
    h(
      "p",
      { class: "meta" },
      t("document.meta", {
        mediaType: source.mediaType,
        count: pages.length,
        characters: source.characters,
        language: source.language ?? t("document.languageUnknown"),
        profile: profile.name,
      }),
    ),
    h("div", { class: "document-actions" }, exports, deleteButton, deletion),
  ];
}
