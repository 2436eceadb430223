/**
 * Derived attributes: values the model reads off one of the item's verbatim fields (a date's EDTF
 * `value` off its `text`), as a profile's `x-palimpsest.derived` names them. Such a value is kept
 * only when it agrees with the numbers of the text it is cited with: a model that answers
 * `"value": "1066"` for a date cited on "1790" has its value dropped, with a warning on the mention.
 */
import { valueAgreesWithText } from "../../text/numbers.js";
import type { Warning } from "../types.js";

/** JSON pointers of derived attributes, relative to the item, to the verbatim field each is read off. */
export type DerivedFields = Readonly<Record<string, string>>;

export interface CheckedAttributes {
  attributes: Record<string, unknown>;
  warnings: Warning[];
}

/**
 * `attributes` (the item without `type` and `text`) with every derived value that disagrees with its
 * cited text dropped; `citedText` gives the cited text of a verbatim pointer, undefined when that
 * field was not cited (then nothing can be checked, and the value stays).
 */
export function checkDerived(
  attributes: Record<string, unknown>,
  derived: DerivedFields,
  citedText: (pointer: string) => string | undefined,
): CheckedAttributes {
  let checked = attributes;
  const warnings: Warning[] = [];
  for (const [pointer, from] of Object.entries(derived)) {
    const value = read(checked, pointer);
    const text = citedText(from);
    if ((typeof value !== "string" && typeof value !== "number") || text === undefined) continue;
    if (valueAgreesWithText(String(value), text)) continue;
    checked = without(checked, segments(pointer));
    warnings.push({
      code: "DERIVED_VALUE_DROPPED",
      message: `${pointer} was "${value}", which does not agree with the numbers of the cited text "${text}"; it was dropped.`,
    });
  }
  return { attributes: checked, warnings };
}

function segments(pointer: string): string[] {
  return pointer
    .split("/")
    .slice(1)
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function read(root: unknown, pointer: string): unknown {
  let value = root;
  for (const segment of segments(pointer)) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** A copy of `root` without the value at `path` (the model's item is never changed in place). */
function without(root: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return root;
  const { [head]: child, ...others } = root;
  if (rest.length === 0) return others;
  if (typeof child !== "object" || child === null || Array.isArray(child)) return root;
  return { ...others, [head]: without(child as Record<string, unknown>, rest) };
}
