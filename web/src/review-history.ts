/**
 * The record's revisions, newest first: who changed what, when, and from what (GET .../record/revisions).
 * Read when the reader opens the list, and again after each change while it is open.
 */
import { h } from "./dom.js";
import { type MessageKey, t } from "./i18n/index.js";
import { reviewName, typeName } from "./mention-words.js";
import { getRevisions, type Revision } from "./review-api.js";
import type { ReviewStore } from "./review-store.js";

const KINDS: Record<Revision["kind"], MessageKey> = {
  confirm: "history.confirm",
  reject: "history.reject",
  correct: "history.correct",
  add: "history.add",
  merge: "history.merge",
  split: "history.split",
};

export function reviewHistory(documentId: string, profile: string, store: ReviewStore): HTMLElement {
  const list = h("ol", { class: "history", reversed: true });
  const status = h("p", { class: "status", role: "status" });
  const summary = h("summary", {}, t("history.title"));
  const element = h("details", { class: "history-view" }, summary, list, status);

  async function load(): Promise<void> {
    const { revisions } = await getRevisions(documentId, profile);
    summary.textContent = t("history.titleCount", { count: revisions.length });
    list.replaceChildren(...revisions.toReversed().map(revisionItem));
    status.textContent = revisions.length ? "" : t("history.none");
  }
  const refresh = () => {
    if (!element.open) return;
    load().catch((error: Error) => {
      status.textContent = error.message;
    });
  };
  element.addEventListener("toggle", refresh);
  store.subscribe(refresh);
  return element;
}

export function revisionItem(revision: Revision): HTMLElement {
  return h(
    "li",
    { value: String(revision.revision) },
    h("strong", {}, t(KINDS[revision.kind])),
    ` ${t("history.byAt", { editor: revision.editor, at: new Date(revision.at), revision: revision.revision })}`,
    h("ul", {}, ...revision.changes.map((change) => h("li", { dir: "auto" }, describeChange(change)))),
    revision.note ? h("p", { class: "hint" }, revision.note) : "",
  );
}

/** One mention's change in words: "Nîmes: place → person", "Nîmes → Nîmes en Provence". */
function describeChange(change: Revision["changes"][number]): string {
  const { before, after } = change;
  if (!before) return t("history.added", { text: after.text, type: typeName(after.type) });
  const parts: string[] = [];
  if (before.text !== after.text) parts.push(`“${before.text}” → “${after.text}”`);
  if (before.type !== after.type) parts.push(`${typeName(before.type)} → ${typeName(after.type)}`);
  if (before.entity !== after.entity) parts.push(`${before.entity} → ${after.entity}`);
  if (JSON.stringify(before.attributes) !== JSON.stringify(after.attributes))
    parts.push(`${JSON.stringify(before.attributes)} → ${JSON.stringify(after.attributes)}`);
  if (before.review !== after.review)
    parts.push(`${reviewName(before.review)} → ${reviewName(after.review)}`);
  return `${after.text}: ${parts.join("; ")}`;
}
