/**
 * The refusal of a correction made on an older version of the record (412): who changed the record
 * meanwhile, what and when (the revisions after the one shown), and a button to load it as it is now.
 * The reader's change is not saved: after the reload it can be made again if it still applies.
 */
import { h } from "./dom.js";
import { t } from "./i18n/index.js";
import { getRevisions } from "./review-api.js";
import { revisionItem } from "./review-history.js";
import type { ReviewStore } from "./review-store.js";

export function conflictNotice(documentId: string, profile: string, store: ReviewStore): HTMLElement {
  const element = h("div", { class: "conflict", role: "alert", hidden: true });
  /** The revision the page showed when the conflict came. */
  let shownRevision = store.record().revision;
  store.subscribe(() => {
    const conflict = store.conflict();
    if (!conflict) {
      shownRevision = store.record().revision;
      element.hidden = true;
      element.replaceChildren();
      return;
    }
    const reload = h("button", { type: "button" }, t("conflict.reload"));
    reload.addEventListener("click", () => {
      reload.disabled = true;
      store.reload().catch((error: Error) => {
        reload.disabled = false;
        changes.textContent = error.message;
      });
    });
    const changes = h("ul", { class: "history" });
    element.replaceChildren(h("p", {}, h("strong", {}, t("conflict.title"))), changes, h("p", {}, reload));
    element.hidden = false;
    getRevisions(documentId, profile)
      .then(({ revisions }) => {
        changes.replaceChildren(...revisions.filter((r) => r.revision > shownRevision).map(revisionItem));
      })
      .catch(() => {
        // The revisions could not be read: the reload still shows the record as it is.
      });
  });
  return element;
}
