/**
 * How large a profile's schema is with its `$ref`s followed: the size validation work grows with. A few
 * definitions that each refer twice to the next are a small text, yet an item that fails them makes ajv
 * try 2^n branches (anyOf tries every one). So the schema's JSON values are counted with each `$ref`
 * standing for its target, every time it is used (each target's count is worked out once), and
 * refused past SCHEMA_MAX_NODES. Validating an item then costs at most that count times the item's size.
 *
 * A `$ref` that leads back into a schema it is part of (a recursive schema) is refused: its cost grows
 * with how deep the data nests, which no limit on the schema bounds. A reference that cannot be followed
 * here (not a "#/..." pointer, a dynamic one, or below an `$id`, which changes what it points to) is
 * refused too, since its cost could not be counted. The walk does not recurse.
 */
import { resolveRef } from "../grammar/refs.js";
import type { SchemaLimits } from "./schema-limits.js";
import type { JsonObject } from "./schema-nav.js";

interface Frame {
  node: object;
  /** The values below the node, and for a `$ref`, its target (with the reference, for messages). */
  edges: { value: unknown; ref?: string }[];
  next: number;
  count: number;
}

const RECURSIVE = (ref: string) =>
  `"$ref": "${ref}" leads back into a schema it is part of; recursive schemas are not accepted, as validating them costs more the deeper the data nests: write the nesting out to the depth you need`;

/** The frame of `node`, or why its reference cannot be followed. */
function frameOf(root: JsonObject, node: object, isRoot: boolean): Frame | string {
  const record = node as Record<string, unknown>;
  const edges: Frame["edges"] = Object.values(record).map((value) => ({ value }));
  if (!Array.isArray(node)) {
    for (const dynamic of ["$dynamicRef", "$recursiveRef"])
      if (typeof record[dynamic] === "string") return `"${dynamic}": dynamic references are not followed`;
    if (!isRoot && typeof record.$id === "string")
      return `"$id": "${record.$id}" below the root changes what references point to: move the schema to "$defs" without it`;
    if (typeof record.$ref === "string") {
      const target = resolveRef(root, record.$ref);
      if (typeof target === "string") return target;
      edges.push({ value: target.node, ref: record.$ref });
    }
  }
  return { node, edges, next: 0, count: 1 };
}

export function expansionProblem(root: JsonObject, limits: SchemaLimits): string | undefined {
  const tooLarge = `with each "$ref" counted as its target, the schema holds more than ${limits.schemaMaxNodes} JSON values (SCHEMA_MAX_NODES): validating with it would take too long; refer to fewer definitions, or to smaller ones`;
  const counted = new Map<object, number>();
  const open = new Set<object>();
  const first = frameOf(root, root, true);
  if (typeof first === "string") return first;
  const stack: Frame[] = [first];
  open.add(root);
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    if (frame.count > limits.schemaMaxNodes) return tooLarge;
    const edge = frame.edges[frame.next++];
    if (edge === undefined) {
      stack.pop();
      open.delete(frame.node);
      counted.set(frame.node, frame.count);
      const parent = stack.at(-1);
      if (parent !== undefined) parent.count += frame.count;
      continue;
    }
    const { value, ref } = edge;
    if (value === null || typeof value !== "object") frame.count++;
    else if (open.has(value)) return RECURSIVE(ref ?? "#");
    else if (counted.has(value)) frame.count += counted.get(value) as number;
    else {
      const child = frameOf(root, value, false);
      if (typeof child === "string") return child;
      open.add(value);
      stack.push(child);
    }
  }
  return undefined;
}
