/** JSON values and types as JSON Schema sees them: equality, types (integer within number), and the checks listed values must pass. */
import type { Facet } from "./facet.js";
import { isObject } from "./located.js";

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]))
    );
  }
  return false;
}

export type JsonType = "null" | "boolean" | "object" | "array" | "string" | "integer" | "number";

export const TYPE_NAMES: readonly JsonType[] = [
  "null",
  "boolean",
  "object",
  "array",
  "string",
  "integer",
  "number",
];
/** "number" includes "integer": intersect sets of these parts, then name the result. */
const TYPE_PARTS: Readonly<Record<JsonType, readonly string[]>> = {
  null: ["null"],
  boolean: ["boolean"],
  object: ["object"],
  array: ["array"],
  string: ["string"],
  integer: ["integer"],
  number: ["integer", "fraction"],
};

export function typeParts(types: Iterable<JsonType>): Set<string> {
  return new Set([...types].flatMap((type) => TYPE_PARTS[type]));
}

export function typesOfParts(parts: ReadonlySet<string>): Set<JsonType> {
  const types = new Set<JsonType>();
  for (const part of parts)
    if (part === "fraction") types.add("number");
    else if (part !== "integer" || !parts.has("fraction")) types.add(part as JsonType);
  return types;
}

export function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

/** Keywords whose effect on a listed value is checked here, so enum and const may stand beside them. */
export const VALUE_CHECKS = new Set([
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
]);

function withinNumeric(value: number, facet: Facet): boolean {
  const { lower, upper } = facet;
  if (lower !== undefined && (lower.exclusive ? value <= lower.value : value < lower.value)) return false;
  return upper === undefined || (upper.exclusive ? value < upper.value : value <= upper.value);
}

function patternMatches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, "u").test(value);
  } catch {
    return false;
  }
}

/**
 * Whether a value passes the facet's type and scalar keywords. False means the value is invalid; true
 * says nothing of object and array keywords, which a listed value may not stand beside.
 */
export function fits(value: unknown, facet: Facet): boolean {
  if (facet.types !== undefined && ![...facet.types].some((type) => hasType(value, type))) return false;
  if (typeof value === "number") return withinNumeric(value, facet);
  if (typeof value !== "string") return true;
  const length = [...value].length;
  if (length < (facet.minLength?.value ?? 0) || length > (facet.maxLength?.value ?? Infinity)) return false;
  return facet.patterns.every((pattern) => patternMatches(pattern.value, value));
}
