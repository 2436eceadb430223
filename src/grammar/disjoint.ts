/**
 * Whether two facets provably share no value, for oneOf. The proofs recognised are the ones schemas
 * use to tell branches apart: different types, different listed values, a required property whose
 * values differ (a discriminator such as "type": {"const": "person"}), or a required property the other
 * branch does not allow. Anything else counts as overlapping.
 */
import type { Facet } from "./facet.js";
import type { Located } from "./located.js";
import { fits, type JsonType, jsonEqual, typeParts } from "./values.js";

type Expand = (schemas: readonly Located[]) => Facet[];

/** Discriminators are looked for this many properties deep. */
const MAX_DEPTH = 3;
const ALL_TYPES: readonly JsonType[] = ["null", "boolean", "object", "array", "string", "number"];

function partsOf(facet: Facet): Set<string> {
  return typeParts(facet.types ?? ALL_TYPES);
}

function objectsExclusive(a: Facet, b: Facet, expand: Expand, depth: number): boolean {
  const allowed = (facet: Facet, name: string): boolean =>
    !facet.closed || facet.properties.some((property) => property.name === name);
  for (const [one, other] of [
    [a, b],
    [b, a],
  ] as const)
    if (one.properties.some((property) => property.required && !allowed(other, property.name))) return true;
  if (depth >= MAX_DEPTH) return false;
  return a.properties.some((left) => {
    const right = b.properties.find((property) => property.name === left.name);
    if (!left.required || !right?.required) return false;
    const leftFacets = expand(left.schemas);
    const rightFacets = expand(right.schemas);
    return leftFacets.every((x) => rightFacets.every((y) => exclusiveAt(x, y, expand, depth + 1)));
  });
}

function exclusiveAt(a: Facet, b: Facet, expand: Expand, depth: number): boolean {
  if (a.values !== undefined) {
    const listed = b.values;
    return a.values.every((value) =>
      listed === undefined ? !fits(value, b) : !listed.some((other) => jsonEqual(value, other)),
    );
  }
  if (b.values !== undefined) return exclusiveAt(b, a, expand, depth);
  const right = partsOf(b);
  const shared = [...partsOf(a)].filter((part) => right.has(part));
  const noObjects = a.objectImpossible || b.objectImpossible;
  return shared.every((part) => part === "object" && (noObjects || objectsExclusive(a, b, expand, depth)));
}

export function exclusive(a: Facet, b: Facet, expand: Expand): boolean {
  return exclusiveAt(a, b, expand, 0);
}
