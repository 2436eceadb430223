/**
 * The review of the mention in focus: accept it or reject it, change its type or its attributes, move
 * its boundaries to the selected text, merge its entity with another or make it an entity of its own,
 * and see what the model gave. Each change is one correction sent with the record's ETag; the answer
 * (or the refusal) is said in the panel's status line.
 */
import { h } from "./dom.js";
import { t } from "./i18n/index.js";
import { reviewName, typeName } from "./mention-words.js";
import { type AttributeField, attributeFields } from "./profile-fields.js";
import { corrections, type ProfileSchema, type ReviewedMention } from "./review-api.js";
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
      typeForm(shown),
      attributesForm(shown),
      boundaryControls(shown),
      entityControls(shown),
      originalView(shown),
    );
  }

  function decisionButtons(shown: ReviewedMention): HTMLElement {
    const accept = h(
      "button",
      { type: "button", "aria-keyshortcuts": "a" },
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

  function typeForm(shown: ReviewedMention): HTMLElement {
    const select = h(
      "select",
      { id: "review-type" },
      ...profile.types.map((type) =>
        h("option", { value: type, selected: type === shown.type }, typeName(type)),
      ),
    );
    const form = h(
      "form",
      { class: "inline" },
      h("label", { for: "review-type" }, t("review.type")),
      select,
      h("button", { type: "submit" }, t("review.changeType")),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (select.value === shown.type) status.textContent = t("review.sameType");
      else patch({ type: select.value }, t("review.typeChanged", { type: typeName(select.value) }));
    });
    return form;
  }

  function attributesForm(shown: ReviewedMention): HTMLElement | "" {
    const fields = attributeFields(profile.schema, shown.type);
    // Attributes the profile does not list (a profile changed since) stay editable too.
    for (const name of Object.keys(shown.attributes))
      if (!fields.some((field) => field.name === name)) fields.push({ name });
    if (!fields.length) return "";
    const inputs = fields.map((field) => attributeInput(field, shown.attributes[field.name]));
    const form = h(
      "form",
      { class: "attributes" },
      h(
        "fieldset",
        {},
        h("legend", {}, t("review.attributes")),
        ...inputs.map(({ row }) => row),
        h("button", { type: "submit" }, t("review.saveAttributes")),
      ),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const attributes: Record<string, unknown> = {};
      for (const { field, read } of inputs) {
        const value = read();
        if (value !== "") attributes[field.name] = value;
      }
      patch({ attributes }, t("review.attributesSaved"));
    });
    return form;
  }

  function boundaryControls(shown: ReviewedMention): HTMLElement {
    const move = h("button", { type: "button" }, t("review.moveBoundaries"));
    move.addEventListener("click", () => {
      const selected = selection.current();
      if (!selected) {
        status.textContent = t("review.selectFirst");
        return;
      }
      patch(
        { start: selected.start, end: selected.end, text: selected.text },
        t("review.moved", { text: selected.text }),
      );
    });
    return h(
      "p",
      { class: "boundaries" },
      move,
      h("small", { class: "hint" }, t("review.moveHint", { text: shown.text })),
    );
  }

  function entityControls(shown: ReviewedMention): HTMLElement {
    const mentions = store.record().mentions;
    const own = mentions.filter((m) => m.entity === shown.entity && m.review !== "rejected");
    const others = new Map<string, string>();
    for (const m of mentions)
      if (m.type === shown.type && m.entity !== shown.entity && m.review !== "rejected")
        others.set(m.entity, m.entityName ?? m.text);
    const parts: (HTMLElement | string)[] = [
      h("p", {}, t("review.entity", { name: shown.entityName, count: own.length })),
    ];
    if (others.size) {
      const select = h(
        "select",
        { id: "merge-with" },
        ...[...others].map(([entity, name]) => h("option", { value: entity }, name)),
      );
      const merge = h(
        "form",
        { class: "inline" },
        h("label", { for: "merge-with" }, t("review.mergeWith")),
        select,
        h("button", { type: "submit" }, t("review.merge")),
      );
      merge.addEventListener("submit", (event) => {
        event.preventDefault();
        run(
          corrections.merge(documentId, [shown.entity, select.value]),
          t("review.merged", { name: others.get(select.value) ?? select.value }),
        );
      });
      parts.push(merge);
    }
    if (own.length > 1) {
      const split = h("button", { type: "button" }, t("review.split"));
      split.addEventListener("click", () =>
        run(corrections.split(documentId, [shown.id]), t("review.splitDone", { text: shown.text })),
      );
      parts.push(h("p", {}, split));
    }
    return h("fieldset", { class: "entity" }, h("legend", {}, t("review.entityLegend")), ...parts);
  }

  function originalView(shown: ReviewedMention): HTMLElement {
    const original = shown.original;
    return h(
      "details",
      { class: "original" },
      h("summary", {}, t("review.original")),
      shown.review === "added"
        ? h("p", {}, t("review.originalAdded"))
        : original
          ? h(
              "dl",
              {},
              h("dt", {}, t("review.type")),
              h("dd", {}, typeName(original.type)),
              h("dt", {}, t("review.text")),
              h("dd", { dir: "auto" }, original.text),
              h("dt", {}, t("review.entityLegend")),
              h("dd", {}, original.entity),
              h("dt", {}, t("review.attributes")),
              h("dd", {}, h("code", {}, JSON.stringify(original.attributes))),
            )
          : h("p", {}, t("review.originalSame")),
    );
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

/** An attribute's input: a choice list where the profile lists the values, else a text field. */
function attributeInput(field: AttributeField, value: unknown) {
  const id = `attribute-${field.name}`;
  const text = value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  const input = field.choices
    ? h(
        "select",
        { id },
        h("option", { value: "" }, t("review.noValue")),
        ...field.choices.map((choice) => h("option", { value: choice, selected: choice === text }, choice)),
      )
    : h("input", { id, value: text, title: field.description });
  if (input instanceof HTMLInputElement) input.value = text;
  const row = h("p", { class: "attribute" }, h("label", { for: id }, field.name), input);
  return { field, row, read: () => input.value.trim() };
}
