/** Schemas as the converter walks them: the schema value and where it sits in the root document. */
import type { Path } from "./problems.js";

export type JsonObject = Record<string, unknown>;

export interface Located<T = unknown> {
  node: T;
  at: Path;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The located sub-schema at `keys` below `parent`. */
export function below(parent: Located, ...keys: string[]): Located {
  let node: unknown = parent.node;
  for (const key of keys)
    node = isObject(node) || Array.isArray(node) ? (node as JsonObject)[key] : undefined;
  return { node, at: [...parent.at, ...keys] };
}
