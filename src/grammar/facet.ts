/**
 * A facet is what one alternative of a schema allows, once $ref, allOf, anyOf and oneOf are expanded:
 * the keywords of all the schemas that apply together (a conjunction), merged. Merging is intersection:
 * the strictest bound wins, types and listed values are intersected, objects get the properties of
 * every schema, each property valid against all the schemas that declare it.
 */
import { isAnnotation, REFUSED } from "./keywords.js";
import { isObject, type JsonObject, type Located } from "./located.js";
import type { Path, Problems } from "./problems.js";
import {
  fits,
  type JsonType,
  jsonEqual,
  TYPE_NAMES,
  typeParts,
  typesOfParts,
  VALUE_CHECKS,
} from "./values.js";

/** A keyword's value, and the keyword's path for messages. */
export interface Keyword<T> {
  value: T;
  at: Path;
}

type Limit = Keyword<number>;

export interface NumericLimit extends Limit {
  exclusive: boolean;
}

export interface Property {
  name: string;
  /** Every schema the property's value must satisfy. */
  schemas: Located[];
  required: boolean;
}

/** A keyword that constrains values, by the type of value it applies to (for inferring a missing type). */
interface Constraint {
  family: "string" | "number" | "array" | "object";
  at: Path;
}

export interface Facet {
  /** The first schema of the conjunction: names its rule and locates messages. */
  at: Path;
  /** Undefined when no schema says "type". */
  types: ReadonlySet<JsonType> | undefined;
  /** Undefined when no schema lists values with enum or const. */
  values: readonly unknown[] | undefined;
  constraints: readonly Constraint[];
  minLength?: Limit;
  maxLength?: Limit;
  patterns: readonly Keyword<string>[];
  formats: readonly Keyword<string>[];
  lower?: NumericLimit;
  upper?: NumericLimit;
  items: readonly Located[];
  minItems?: Limit;
  maxItems?: Limit;
  properties: readonly Property[];
  /** A required property is not allowed by some schema's additionalProperties: false. */
  objectImpossible: boolean;
  /** Some schema declares properties, or allows none (additionalProperties: false). */
  objectDeclared: boolean;
  /** Some schema allows only its declared properties. */
  closed: boolean;
}

const FAMILIES: Readonly<Record<string, Constraint["family"]>> = {
  minLength: "string",
  maxLength: "string",
  pattern: "string",
  format: "string",
  minimum: "number",
  maximum: "number",
  exclusiveMinimum: "number",
  exclusiveMaximum: "number",
  items: "array",
  minItems: "array",
  maxItems: "array",
  properties: "object",
  required: "object",
  additionalProperties: "object",
};

/** An object member of the conjunction: its own properties, and what it says of any other. */
interface Member {
  own: ReadonlySet<string>;
  additional: Located | false | undefined;
}

class FacetBuilder {
  readonly #problems: Problems;
  readonly facet: Facet & {
    constraints: Constraint[];
    patterns: Keyword<string>[];
    formats: Keyword<string>[];
    items: Located[];
    properties: Property[];
  };
  #typeParts: Set<string> | undefined;
  readonly #members: Member[] = [];
  readonly #order: string[] = [];
  readonly #declared = new Map<string, Located[]>();
  readonly #required = new Map<string, Path>();

  constructor(at: Path, problems: Problems) {
    this.#problems = problems;
    this.facet = {
      at,
      types: undefined,
      values: undefined,
      constraints: [],
      patterns: [],
      formats: [],
      items: [],
      properties: [],
      objectImpossible: false,
      objectDeclared: false,
      closed: false,
    };
  }

  add(schema: Located<JsonObject>): void {
    for (const [keyword, value] of Object.entries(schema.node)) {
      // A keyword set to undefined (possible in a schema built in code) is absent, as in its JSON.
      if (value === undefined) continue;
      const at = [...schema.at, keyword];
      const family = FAMILIES[keyword];
      if (family !== undefined) this.facet.constraints.push({ family, at });
      this.#keyword(schema, keyword, value, at);
    }
  }

  #problem(at: Path, message: string): void {
    this.#problems.add(at, message);
  }

  #keyword(schema: Located<JsonObject>, keyword: string, value: unknown, at: Path): void {
    switch (keyword) {
      case "$ref":
      case "allOf":
      case "anyOf":
      case "oneOf":
        return; // expanded into conjunctions and alternatives before merging
      case "$id":
        if (schema.at.length > 0)
          this.#problem(
            at,
            "an $id below the root changes how references resolve: move the schema to $defs without it",
          );
        return;
      case "type":
        this.#type(value, at);
        return;
      case "enum":
        if (Array.isArray(value)) this.#values(value);
        else this.#problem(at, "enum must be a list of values");
        return;
      case "const":
        this.#values([value]);
        return;
      case "minLength":
      case "minItems":
        this.#limit(keyword, value, at, Math.max);
        return;
      case "maxLength":
      case "maxItems":
        this.#limit(keyword, value, at, Math.min);
        return;
      case "minimum":
      case "exclusiveMinimum":
        this.#numeric("lower", value, at, keyword === "exclusiveMinimum");
        return;
      case "maximum":
      case "exclusiveMaximum":
        this.#numeric("upper", value, at, keyword === "exclusiveMaximum");
        return;
      case "pattern":
      case "format":
        if (typeof value !== "string") {
          this.#problem(at, `${keyword} must be a string`);
          return;
        }
        if (keyword === "pattern") this.#addDistinct(this.facet.patterns, value, at);
        else this.#addDistinct(this.facet.formats, value, at);
        return;
      case "items":
        if (typeof value === "boolean" || isObject(value)) this.facet.items.push({ node: value, at });
        else
          this.#problem(
            at,
            "items must be a schema (a list of schemas is prefixItems in JSON Schema 2020-12)",
          );
        return;
      case "uniqueItems":
        if (value !== false) this.#problem(at, "unique items cannot be enforced while generating");
        return;
      case "unevaluatedProperties":
      case "unevaluatedItems":
        if (value !== true)
          this.#problem(
            at,
            `use ${keyword === "unevaluatedItems" ? "items" : "additionalProperties: false"} instead`,
          );
        return;
      case "properties":
      case "additionalProperties":
      case "required":
        this.#object(schema, keyword, value, at);
        return;
      default:
        if (isAnnotation(keyword)) return;
        this.#problem(at, REFUSED.get(keyword) ?? "unknown keyword: the grammar cannot honour it");
    }
  }

  #addDistinct(list: Keyword<string>[], value: string, at: Path): void {
    if (!list.some((known) => known.value === value)) list.push({ value, at });
  }

  #type(value: unknown, at: Path): void {
    const names = Array.isArray(value) ? value : [value];
    if (!names.every((name): name is JsonType => TYPE_NAMES.includes(name as JsonType))) {
      this.#problem(at, `type must be one of ${TYPE_NAMES.join(", ")}, or a list of them`);
      return;
    }
    const parts = typeParts(names);
    this.#typeParts =
      this.#typeParts === undefined ? parts : new Set([...this.#typeParts].filter((part) => parts.has(part)));
  }

  #values(list: readonly unknown[]): void {
    const known = this.facet.values;
    this.facet.values =
      known === undefined
        ? [...list]
        : known.filter((value) => list.some((other) => jsonEqual(value, other)));
  }

  #limit(
    keyword: "minLength" | "maxLength" | "minItems" | "maxItems",
    value: unknown,
    at: Path,
    pick: (a: number, b: number) => number,
  ): void {
    if (!Number.isInteger(value) || (value as number) < 0) {
      this.#problem(at, `${keyword} must be a non-negative integer`);
      return;
    }
    const known = this.facet[keyword];
    if (known === undefined || pick(known.value, value as number) !== known.value)
      this.facet[keyword] = { value: value as number, at };
  }

  #numeric(side: "lower" | "upper", value: unknown, at: Path, exclusive: boolean): void {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.#problem(at, "a bound must be a number");
      return;
    }
    const known = this.facet[side];
    const stricter =
      known === undefined ||
      (side === "lower" ? value > known.value : value < known.value) ||
      (value === known.value && exclusive);
    if (stricter) this.facet[side] = { value, at, exclusive };
  }

  #object(schema: Located<JsonObject>, keyword: string, value: unknown, at: Path): void {
    if (keyword === "required") {
      if (!Array.isArray(value) || !value.every((name) => typeof name === "string")) {
        this.#problem(at, "required must be a list of property names");
        return;
      }
      for (const name of value) if (!this.#required.has(name)) this.#required.set(name, at);
      return;
    }
    if (keyword === "additionalProperties") {
      if (typeof value !== "boolean" && !isObject(value)) {
        this.#problem(at, "additionalProperties must be a schema");
        return;
      }
      this.facet.objectDeclared ||= value === false;
      // Beside "properties", it is recorded with them; alone, it applies to every property.
      if (!isObject(schema.node.properties))
        this.#members.push({ own: new Set(), additional: this.#additional(value, at) });
      return;
    }
    if (!isObject(value)) {
      this.#problem(at, "properties must map names to schemas");
      return;
    }
    this.facet.objectDeclared = true;
    for (const name of Object.keys(value)) {
      if (!this.#declared.has(name)) {
        this.#order.push(name);
        this.#declared.set(name, []);
      }
      this.#declared.get(name)?.push({ node: value[name], at: [...at, name] });
    }
    const additional = schema.node.additionalProperties;
    this.#members.push({
      own: new Set(Object.keys(value)),
      additional: this.#additional(additional, [...schema.at, "additionalProperties"]),
    });
  }

  #additional(value: unknown, at: Path): Located | false | undefined {
    if (value === false) return false;
    return isObject(value) ? { node: value, at } : undefined;
  }

  build(): Facet | undefined {
    const facet = this.facet;
    if (this.#typeParts !== undefined) {
      if (this.#typeParts.size === 0) return undefined;
      facet.types = typesOfParts(this.#typeParts);
    }
    this.#properties();
    if (facet.values !== undefined) {
      for (const constraint of facet.constraints)
        if (!VALUE_CHECKS.has(constraint.at.at(-1) as string))
          this.#problem(constraint.at, "beside enum or const, list only values that satisfy it instead");
      facet.values = facet.values.filter((value) => fits(value, facet));
      if (facet.values.length === 0) return undefined;
    }
    return facet;
  }

  #properties(): void {
    const facet = this.facet;
    facet.closed = this.#members.some((member) => member.additional === false);
    const names = [...this.#order, ...[...this.#required.keys()].filter((name) => !this.#declared.has(name))];
    for (const name of names) {
      const schemas = [...(this.#declared.get(name) ?? [])];
      let allowed = true;
      for (const member of this.#members) {
        if (member.own.has(name)) continue;
        if (member.additional === false) allowed = false;
        else if (member.additional !== undefined) schemas.push(member.additional);
      }
      const requiredAt = this.#required.get(name);
      if (!allowed) {
        facet.objectImpossible ||= requiredAt !== undefined;
        continue;
      }
      if (requiredAt !== undefined && schemas.length === 0)
        this.#problem(requiredAt, `required property "${name}" has no schema: declare it in properties`);
      facet.properties.push({ name, schemas, required: requiredAt !== undefined });
    }
  }
}

/** Merges one conjunction of schemas; undefined when no value can satisfy them all. */
export function buildFacet(
  at: Path,
  schemas: readonly Located<JsonObject>[],
  problems: Problems,
): Facet | undefined {
  const builder = new FacetBuilder(at, problems);
  for (const schema of schemas) builder.add(schema);
  return builder.build();
}
