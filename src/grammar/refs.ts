/** Local `$ref`s: JSON Pointers into the schema document ("#", "#/$defs/x", "#/definitions/x", any path). */
import { isAnnotation } from "./keywords.js";
import { below, isObject, type JsonObject, type Located } from "./located.js";

/** The schema a reference points to, or why it cannot be followed. */
export function resolveRef(root: unknown, ref: string): Located | string {
  if (ref !== "#" && !ref.startsWith("#/"))
    return ref.startsWith("#")
      ? `"${ref}": references to $anchor names are not followed; use a JSON Pointer such as "#/$defs/name"`
      : `"${ref}": only references within the schema ("#/...") are followed`;
  let segments: string[];
  try {
    segments =
      ref === "#"
        ? []
        : ref
            .slice(2)
            .split("/")
            .map((segment) => decodeURIComponent(segment));
  } catch {
    return `"${ref}" is not a valid URI fragment`;
  }
  const target = below(
    { node: root, at: [] },
    ...segments.map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~")),
  );
  return typeof target.node === "boolean" || isObject(target.node) ? target : `"${ref}" points to no schema`;
}

/** A schema that is only a $ref (and annotations) stands for its target: same rules, same names. */
export function isPureRef(node: JsonObject): boolean {
  return (
    typeof node.$ref === "string" && Object.keys(node).every((key) => key === "$ref" || isAnnotation(key))
  );
}
