/**
 * What to do with text selected on the page: add it as a mention the model missed (with its type).
 * It follows the selection as the reader makes it, and says what is selected, so that a mention can be
 * added from the keyboard too (shift and the arrow keys select text in the page's text).
 */
import { h } from "./dom.js";
import { t } from "./i18n/index.js";
import { typeName } from "./mention-words.js";
import { corrections, type ProfileSchema } from "./review-api.js";
import type { ReviewStore } from "./review-store.js";
import type { SelectedText, SelectionFollower } from "./selection.js";

export function selectionBar(
  documentId: string,
  store: ReviewStore,
  profile: ProfileSchema,
  selection: SelectionFollower,
): { element: HTMLElement; show(selected: SelectedText | undefined): void } {
  const said = h("span", { class: "selected", dir: "auto" });
  const type = h(
    "select",
    { id: "new-mention-type" },
    ...profile.types.map((name) => h("option", { value: name }, typeName(name))),
  );
  const add = h("button", { type: "submit" }, t("selection.add"));
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "selection-bar inline", "aria-label": t("selection.region") },
    said,
    h("label", { for: "new-mention-type" }, t("selection.type")),
    type,
    add,
    status,
  );
  const show = (selected: SelectedText | undefined) => {
    said.textContent = selected ? t("selection.selected", { text: selected.text }) : t("selection.none");
    add.disabled = !selected;
  };
  show(undefined);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = selection.current();
    if (!chosen) return;
    status.textContent = t("review.sending");
    store
      .send(
        corrections.add(documentId, {
          type: type.value,
          start: chosen.start,
          end: chosen.end,
          text: chosen.text,
        }),
      )
      .then(
        (revision) => {
          status.textContent = revision
            ? t("selection.added", { text: chosen.text, type: typeName(type.value) })
            : "";
        },
        (error: Error) => {
          status.textContent = error.message;
        },
      );
  });
  return { element: form, show };
}
