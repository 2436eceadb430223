/**
 * The column beside a document's text and image: the reviewer's name, the review of the mention in
 * focus, the history of corrections, the entities, the rejected items and the warnings. The entities
 * are drawn again after each correction.
 */
import type { Outline } from "./api.js";
import type { TypeColor } from "./colors.js";
import { h } from "./dom.js";
import { editorField } from "./editor-name.js";
import { entityList, rejectedList, warningList } from "./entity-list.js";
import { t } from "./i18n/index.js";
import type { ReviewedMention } from "./review-api.js";
import { reviewHistory } from "./review-history.js";
import type { ReviewPanel } from "./review-panel.js";
import type { ReviewStore } from "./review-store.js";

export function documentAside(
  id: string,
  outline: Outline,
  store: ReviewStore,
  panel: ReviewPanel,
  colors: Map<string, TypeColor>,
  mentionHref: (mention: ReviewedMention) => string,
  /** Follows a link to the mention the address names already (no hashchange comes). */
  follow: (params: URLSearchParams) => void,
): HTMLElement {
  const entities = h("div", {}, entityList(store.record().mentions, colors, mentionHref));
  store.subscribe(() => entities.replaceChildren(entityList(store.record().mentions, colors, mentionHref)));
  const aside = h(
    "aside",
    { "aria-label": t("document.aside") },
    editorField(),
    panel.element,
    reviewHistory(id, outline.profile.name, store),
    entities,
    rejectedList(outline.rejected),
    warningList(outline.warnings),
  );
  aside.addEventListener("click", (event) => {
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>("a[data-mention]");
    if (link && link.getAttribute("href") === location.hash) {
      event.preventDefault();
      follow(new URLSearchParams(location.hash.split("?")[1]));
    }
  });
  return aside;
}
