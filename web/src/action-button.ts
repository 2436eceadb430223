/**
 * A button that runs one request: disabled while it runs (no double submit), asking first when the
 * action cannot be undone, enabled again if it fails.
 */
import { h } from "./dom.js";

export interface ActionOptions<T> {
  text: string;
  /** The accessible name, when `text` alone does not say what it acts on ("Cancel" which job?). */
  label?: string;
  /** Asked with the browser's confirmation dialog first, for actions that cannot be undone. */
  confirm?: string;
  run: () => Promise<T>;
  onDone: (value: T) => void;
  onError: (error: Error) => void;
}

export function actionButton<T>(options: ActionOptions<T>): HTMLButtonElement {
  const button = h("button", { type: "button", "aria-label": options.label }, options.text);
  button.addEventListener("click", () => {
    if (options.confirm && !window.confirm(options.confirm)) return;
    button.disabled = true;
    options.run().then(options.onDone, (error: Error) => {
      button.disabled = false;
      options.onError(error);
    });
  });
  return button;
}
