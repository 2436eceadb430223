/**
 * The parts of the review panel that correct the mention in focus: its type, its attributes (the
 * profile's fields for its type), its boundaries (to the selected text), its entity (merged with
 * another, or one of its own), and what the model gave.
 */
import type { MentionPatch } from "../../src/schemas/review.js";
import { h } from "./dom.js";
import { t } from "./i18n/index.js";
import { typeName } from "./mention-words.js";
import { type AttributeField, attributeFields } from "./profile-fields.js";
import { type Correction, corrections, type ProfileSchema, type ReviewedMention } from "./review-api.js";
import type { ReviewStore } from "./review-store.js";
import type { SelectionFollower } from "./selection.js";

/** What the forms act with: the record, the profile, the selection, and the panel's way to send and say. */
export interface Act {
  documentId: string;
  store: ReviewStore;
  profile: ProfileSchema;
  selection: SelectionFollower;
  /** Sends a correction of the mention in focus; `done` is said once it is saved. */
  patch(body: MentionPatch, done: string): void;
  /** Sends a correction; `done` is said once it is saved. */
  run(correction: Correction, done: string): void;
  say(message: string): void;
}

export function typeForm(shown: ReviewedMention, act: Act): HTMLElement {
  const select = h(
    "select",
    { id: "review-type" },
    ...act.profile.types.map((type) =>
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
    if (select.value === shown.type) act.say(t("review.sameType"));
    else act.patch({ type: select.value }, t("review.typeChanged", { type: typeName(select.value) }));
  });
  return form;
}

export function attributesForm(shown: ReviewedMention, act: Act): HTMLElement | "" {
  const fields = attributeFields(act.profile.schema, shown.type);
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
    act.patch({ attributes }, t("review.attributesSaved"));
  });
  return form;
}

export function boundaryControls(shown: ReviewedMention, act: Act): HTMLElement {
  const move = h("button", { type: "button" }, t("review.moveBoundaries"));
  move.addEventListener("click", () => {
    const selected = act.selection.current();
    if (!selected) {
      act.say(t("review.selectFirst"));
      return;
    }
    act.patch(
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

export function entityControls(shown: ReviewedMention, act: Act): HTMLElement {
  const mentions = act.store.record().mentions;
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
      act.run(
        corrections.merge(act.documentId, [shown.entity, select.value]),
        t("review.merged", { name: others.get(select.value) ?? select.value }),
      );
    });
    parts.push(merge);
  }
  if (own.length > 1) {
    const split = h("button", { type: "button" }, t("review.split"));
    split.addEventListener("click", () =>
      act.run(corrections.split(act.documentId, [shown.id]), t("review.splitDone", { text: shown.text })),
    );
    parts.push(h("p", {}, split));
  }
  return h("fieldset", { class: "entity" }, h("legend", {}, t("review.entityLegend")), ...parts);
}

export function originalView(shown: ReviewedMention): HTMLElement {
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
