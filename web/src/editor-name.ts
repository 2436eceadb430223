/**
 * The reader's name as the history of corrections records it: typed once in the review panel and kept
 * in localStorage for the next visits. Empty, the API names the API key (or "anonymous") instead.
 */
import { h } from "./dom.js";
import { t } from "./i18n/index.js";

const STORAGE_KEY = "palimpsest.editor";
/** The API refuses longer names. */
const MAX_LENGTH = 200;

export function editorName(): string {
  try {
    return (localStorage.getItem(STORAGE_KEY) ?? "").trim();
  } catch {
    return "";
  }
}

function keep(name: string): void {
  try {
    if (name) localStorage.setItem(STORAGE_KEY, name);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Not kept across visits; the field still holds it for this one.
  }
}

export function editorField(): HTMLElement {
  const input = h("input", {
    id: "editor-name",
    name: "editor",
    autocomplete: "name",
    maxlength: String(MAX_LENGTH),
    "aria-describedby": "editor-hint",
  });
  input.value = editorName();
  input.addEventListener("input", () => keep(input.value.trim()));
  return h(
    "p",
    { class: "editor" },
    h("label", { for: "editor-name" }, t("editor.label")),
    input,
    h("small", { id: "editor-hint" }, t("editor.hint")),
  );
}
