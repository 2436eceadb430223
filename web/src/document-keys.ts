/**
 * The document view's keys, and the help line that lists them. Keys are left alone while the reader
 * types (a field, a list) or moves the page image (the viewer has keys of its own: w a s d, r, + -).
 */
import { h } from "./dom.js";
import { t } from "./i18n/index.js";

export interface KeyActions {
  next(): void;
  previous(): void;
  nextPage(): void;
  previousPage(): void;
  accept(): void;
  reject(): void;
}

export function documentKeys(actions: KeyActions, signal: AbortSignal): HTMLElement {
  const byKey: Record<string, () => void> = {
    n: actions.next,
    j: actions.next,
    p: actions.previous,
    k: actions.previous,
    "]": actions.nextPage,
    "[": actions.previousPage,
    a: actions.accept,
    r: actions.reject,
  };
  window.addEventListener(
    "keydown",
    (event) => {
      const target = event.target as HTMLElement;
      if (
        event.altKey ||
        event.ctrlKey ||
        event.metaKey ||
        target.closest("input:not([type=checkbox]), select, textarea, .openseadragon-canvas")
      )
        return;
      const action = byKey[event.key];
      if (!action) return;
      action();
      event.preventDefault();
    },
    { signal },
  );
  return h("p", { class: "hint", id: "keys" }, t("keys.help"));
}
