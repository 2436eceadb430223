/**
 * Expands $ref, allOf, anyOf and oneOf into alternatives, each a conjunction of plain schemas merged
 * into a facet: allOf and $ref (with its sibling keywords) add to the conjunction, anyOf and oneOf
 * multiply the alternatives. The expansion stops at properties and items, so recursive schemas
 * expand one level at a time.
 */
import { exclusive } from "./disjoint.js";
import { buildFacet, type Facet } from "./facet.js";
import { below, isObject, type JsonObject, type Located } from "./located.js";
import { type Path, type Problems, toPointer } from "./problems.js";
import { resolveRef } from "./refs.js";

/** More alternatives than this (anyOf inside anyOf inside allOf...) make a grammar too large to be useful. */
const MAX_ALTERNATIVES = 256;

export interface ExpandContext {
  readonly root: unknown;
  readonly problems: Problems;
  /**
   * The oneOf keywords (pointers) already checked, or being checked: a recursive schema reaches its own
   * oneOf again while its branches are compared.
   */
  readonly checkedOneOf: Set<string>;
}

type Conjunction = readonly Located<JsonObject>[];

class Expander {
  readonly #context: ExpandContext;

  constructor(context: ExpandContext) {
    this.#context = context;
  }

  /** Every way of picking one alternative of each part; `at` is the keyword blamed when there are too many. */
  product(parts: readonly (readonly Conjunction[])[], at: Path): Conjunction[] {
    let result: Conjunction[] = [[]];
    for (const options of parts) {
      if (result.length * options.length > MAX_ALTERNATIVES) {
        this.#context.problems.add(at, `more than ${MAX_ALTERNATIVES} combinations of anyOf/oneOf branches`);
        return [];
      }
      result = result.flatMap((conjunction) => options.map((option) => [...conjunction, ...option]));
    }
    return result;
  }

  /** The alternatives of one schema; `trail` holds the schemas being expanded, to catch reference loops. */
  alternatives(schema: Located, trail: ReadonlySet<string>): Conjunction[] {
    const { node, at } = schema;
    if (node === true) return [[]];
    if (node === false) return [];
    if (!isObject(node)) {
      this.#context.problems.add(at, "a schema must be an object or a boolean");
      return [];
    }
    const inner = new Set(trail).add(toPointer(at));
    const parts: Conjunction[][] = [[[{ node, at }]]];
    if (node.$ref !== undefined) parts.push(this.#ref(schema as Located<JsonObject>, inner));
    for (const keyword of ["allOf", "anyOf", "oneOf"] as const) {
      const branches = node[keyword];
      if (branches === undefined) continue;
      if (!Array.isArray(branches) || branches.length === 0) {
        this.#context.problems.add([...at, keyword], `${keyword} must be a non-empty list of schemas`);
        continue;
      }
      const expanded = branches.map((_, index) =>
        this.alternatives(below(schema, keyword, String(index)), inner),
      );
      if (keyword === "allOf") parts.push(...expanded);
      else parts.push(expanded.flat());
      if (keyword === "oneOf") this.#checkExclusive(expanded, [...at, keyword]);
    }
    const blamed =
      ["anyOf", "oneOf", "allOf", "$ref"].find((keyword) => node[keyword] !== undefined) ?? "anyOf";
    return this.product(parts, [...at, blamed]);
  }

  #ref(schema: Located<JsonObject>, trail: ReadonlySet<string>): Conjunction[] {
    const ref = schema.node.$ref;
    const at = [...schema.at, "$ref"];
    if (typeof ref !== "string") {
      this.#context.problems.add(at, "$ref must be a string");
      return [];
    }
    const target = resolveRef(this.#context.root, ref);
    if (typeof target === "string") {
      this.#context.problems.add(at, target);
      return [];
    }
    if (trail.has(toPointer(target.at))) {
      this.#context.problems.add(
        at,
        "circular reference: only a property or an item may refer back to its own schema",
      );
      return [];
    }
    return this.alternatives(target, trail);
  }

  /** oneOf allows a value that matches exactly one branch: generating from any branch is right only if no value matches two. */
  #checkExclusive(branches: readonly Conjunction[][], at: Path): void {
    const pointer = toPointer(at);
    if (this.#context.checkedOneOf.has(pointer)) return;
    this.#context.checkedOneOf.add(pointer);
    const facets = branches.map((conjunctions, index) => this.facets(conjunctions, [...at, String(index)]));
    for (const [first, left] of facets.entries())
      for (const [second, right] of facets.entries()) {
        if (second <= first) continue;
        const overlap = left.some((a) =>
          right.some((b) => !exclusive(a, b, (schemas) => expand(this.#context, schemas))),
        );
        if (overlap)
          this.#context.problems.add(
            at,
            `branches ${first} and ${second} may both match one value: make them exclusive (e.g. a required property with a different const in each) or use anyOf`,
          );
      }
  }

  /** `at` locates a conjunction with no schema object in it (the schema `true`). */
  facets(conjunctions: readonly Conjunction[], at: Path): Facet[] {
    return conjunctions.flatMap((conjunction) => {
      const facet = buildFacet(conjunction[0]?.at ?? at, conjunction, this.#context.problems);
      return facet === undefined ? [] : [facet];
    });
  }
}

/** The facets of the values valid against every schema in `schemas`. */
export function expand(context: ExpandContext, schemas: readonly Located[]): Facet[] {
  const expander = new Expander(context);
  const at = schemas[0]?.at ?? [];
  const parts = schemas.map((schema) => expander.alternatives(schema, new Set()));
  return expander.facets(expander.product(parts, [...at, "allOf"]), at);
}
