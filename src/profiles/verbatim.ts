/**
 * Verbatim fields: the string fields of an item that quote the document and must be found in it.
 * They are named by JSON Pointers relative to an item; a "*" segment stands for every element of an
 * array ("/godparents/*"). Here they are checked against the item schema; their values are read by
 * verbatimValues (pipeline/ground/pointers.ts), the same reader grounding uses.
 */
import { child, isStringSchema, type JsonObject, type Located, pointerOf } from "./schema-nav.js";

function pointerSegments(pointer: string): string[] {
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/**
 * Why `pointer` does not name a string field of the variant: "absent" when the variant has no such
 * field, a sentence when it has one of the wrong kind, undefined when it is fine.
 */
export function checkVerbatimPointer(
  root: JsonObject,
  variant: Located,
  pointer: string,
): string | undefined {
  let current: Located | undefined = variant;
  for (const segment of pointerSegments(pointer)) {
    if (current === undefined) return "absent";
    if (segment === "*") {
      if (current.node.type !== "array")
        return `#${pointerOf(current.at)} is not an array, so "*" cannot follow it`;
      current = child(root, current, "items");
    } else {
      current = child(root, current, "properties", segment);
    }
  }
  if (current === undefined) return "absent";
  if (isStringSchema(current.node)) return undefined;
  const items = current.node.type === "array" ? child(root, current, "items") : undefined;
  if (items !== undefined && isStringSchema(items.node))
    return `it is an array of strings: write "${pointer}/*" to ground each element`;
  return `#${pointerOf(current.at)} is not a string field`;
}
