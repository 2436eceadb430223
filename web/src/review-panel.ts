/**
 * The review of the mention in focus: accept it or reject it, change its type or its attributes, move
 * its boundaries to the selected text, merge its entity with another or make it an entity of its own,
 * and see what the model gave. Each change is one correction sent with the record's ETag; the answer
 * (or the refusal) is said in the panel's status line.
 */
import { h } from "./dom.js";
import { t } from "./i18n/index.js";
import { reviewName, typeName } from "./mention-words.js";
import { corrections, type ProfileSchema, type ReviewedMention } from "./review-api.js";
import {
  type Act,
  attributesForm,
  boundaryControls,
  entityControls,
  originalView,
  typeForm,
} from "./review-forms.js";
import type { ReviewStore } from "./review-store.js";
import type { SelectionFollower } from "./selection.js";

export interface ReviewPanel {
  element: HTMLElement;
  /** Shows the mention in focus (none: a hint how to pick one). */
  show(id: string | undefined): void;
  accept(): void;
  reject(): void;
}

export function reviewPanel(
  documentId: string,
  store: ReviewStore,
  profile: ProfileSchema,
  selection: SelectionFollower,
): ReviewPanel {
  const body = h("div", { class: "current-mention" });
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const element = h(
    "section",
    { class: "review-panel", "aria-labelledby": "review-title" },
    h("h2", { id: "review-title" }, t("review.title")),
    body,
    status,
  );
  let currentId: string | undefined;
  const mention = () => store.record().mentions.find((m) => m.id === currentId);

  /** Sends a correction and says how it went. */
  function run(correction: Parameters<ReviewStore["send"]>[0], done: string): void {
    status.textContent = t("review.sending");
    store.send(correction).then(
      (revision) => {
        status.textContent = revision ? done : "";
      },
      (error: Error) => {
        status.textContent = error.message;
      },
    );
  }

  const patch = (body: Parameters<typeof corrections.patch>[2], done: string) => {
    if (currentId) run(corrections.patch(documentId, currentId, body), done);
  };

  const act: Act = {
    documentId,
    store,
    profile,
    selection,
    patch,
    run,
    say: (message) => {
      status.textContent = message;
    },
  };

  function draw(): void {
    const shown = mention();
    if (!shown) {
      body.replaceChildren(h("p", { class: "hint" }, t("review.pickHint")));
      return;
    }
    body.replaceChildren(
      h(
        "p",
        { class: "mention-summary" },
        h("strong", { dir: "auto" }, shown.text),
        ` ${typeName(shown.type)} · `,
        h("span", { class: `review-state review-${shown.review}` }, reviewName(shown.review)),
        shown.reviewedBy && shown.reviewedAt
          ? h(
              "span",
              { class: "hint" },
              ` ${t("review.by", { editor: shown.reviewedBy, at: new Date(shown.reviewedAt) })}`,
            )
          : "",
      ),
      decisionButtons(shown),
      typeForm(shown, act),
      attributesForm(shown, act),
      boundaryControls(shown, act),
      entityControls(shown, act),
      originalView(shown),
    );
  }

  function decisionButtons(shown: ReviewedMention): HTMLElement {
    const accept = h(
      "button",
      { type: "button", "aria-keyshortcuts": "a", disabled: ACCEPTED.has(shown.review) },
      shown.review === "rejected" ? t("review.restore") : t("review.accept"),
    );
    const reject = h(
      "button",
      { type: "button", "aria-keyshortcuts": "r", disabled: shown.review === "rejected" },
      t("review.reject"),
    );
    accept.addEventListener("click", () => panel.accept());
    reject.addEventListener("click", () => panel.reject());
    return h("p", { class: "actions" }, accept, reject);
  }

  const panel: ReviewPanel = {
    element,
    show(id) {
      if (id !== currentId) status.textContent = "";
      currentId = id;
      draw();
    },
    accept() {
      const shown = mention();
      if (!shown) status.textContent = t("review.pickHint");
      else if (ACCEPTED.has(shown.review))
        status.textContent = t("review.alreadyAccepted", { text: shown.text });
      else patch({ review: "confirmed" }, t("review.accepted", { text: shown.text }));
    },
    reject() {
      const shown = mention();
      if (!shown) status.textContent = t("review.pickHint");
      else if (shown.review !== "rejected")
        patch({ review: "rejected" }, t("review.rejectedDone", { text: shown.text }));
    },
  };
  store.subscribe(draw);
  draw();
  return panel;
}

/** States a person has accepted already: confirmed as it was, corrected, or added. */
const ACCEPTED = new Set(["confirmed", "corrected", "added"]);
