/**
 * jsonSchemaToGbnf: a JSON Schema 2020-12 as a llama.cpp GBNF grammar whose language is compact JSON
 * (no whitespace, properties in declared order, strings escaped as JSON.stringify escapes them) that the
 * schema accepts. Every keyword is honoured or refused: refusals are collected and thrown together in
 * an UnsupportedSchemaError.
 */
import { expand } from "./expand.js";
import { facetExpr } from "./facet-expr.js";
import { alt, type Expr, isAtomic, ref, render, repeat } from "./gbnf-expr.js";
import type { Generation } from "./generation.js";
import { FREE_TEXT_CHARS, jsonChar } from "./json-chars.js";
import { isObject, type Located } from "./located.js";
import { Problems, toPointer, UnsupportedSchemaError } from "./problems.js";
import { isPureRef, resolveRef } from "./refs.js";
import { RuleSet } from "./rule-set.js";

interface Entry {
  name: string;
  pending: boolean;
  /** Referred to while its body was being built: a recursive schema, so it must stay a named rule. */
  recursive: boolean;
  result: Expr | undefined;
}

/** Keywords after which the next path segment is a name. */
const NAMING = new Set(["$defs", "definitions", "properties"]);

/** A rule's name from where its schema sits: #/$defs/person/properties/title -> person-title. */
function nameFor(at: readonly string[]): string {
  const words: string[] = [];
  for (const [index, segment] of at.entries()) {
    const previous = at[index - 1];
    if (previous !== undefined && NAMING.has(previous)) words.push(segment);
    else if (segment === "items") words.push("item");
    else if (segment === "additionalProperties") words.push("other");
  }
  return words.slice(-2).join("-") || "value";
}

class Converter implements Generation {
  readonly problems = new Problems();
  readonly rules = new RuleSet();
  readonly #root: unknown;
  readonly #entries = new Map<string, Entry>();
  readonly #checkedOneOf = new Set<string>();

  constructor(root: unknown) {
    this.#root = root;
  }

  /** A schema that is only a $ref is its target: one rule, named after the definition. */
  #canonical(schema: Located): Located {
    let current = schema;
    const seen = new Set<string>();
    while (isObject(current.node) && isPureRef(current.node)) {
      const target = resolveRef(this.#root, current.node.$ref as string);
      const pointer = toPointer(current.at);
      if (typeof target === "string" || seen.has(pointer)) break; // reported when expanded
      seen.add(pointer);
      current = target;
    }
    return current;
  }

  rule(schemas: readonly Located[]): Expr | undefined {
    const located = schemas.map((schema) => this.#canonical(schema));
    const key = located.map((schema) => toPointer(schema.at)).join(" & ");
    const known = this.#entries.get(key);
    if (known !== undefined) {
      if (!known.pending) return known.result;
      known.recursive = true;
      return ref(known.name);
    }
    return this.#build(key, this.rules.reserve(nameFor(located[0]?.at ?? [])), located, false);
  }

  /** The root schema's rule, always named `root`. */
  root(schema: object): Expr | undefined {
    const name = this.rules.reserve("root");
    const located = this.#canonical({ node: schema, at: [] });
    return this.#build(toPointer(located.at), name, [located], true);
  }

  #build(key: string, name: string, schemas: readonly Located[], isRoot: boolean): Expr | undefined {
    const entry: Entry = { name, pending: true, recursive: false, result: undefined };
    this.#entries.set(key, entry);
    const context = { root: this.#root, problems: this.problems, checkedOneOf: this.#checkedOneOf };
    const options = expand(context, schemas).flatMap((facet) => facetExpr(this, facet, name) ?? []);
    entry.pending = false;
    if (options.length === 0) {
      if (entry.recursive)
        this.problems.add(
          [...(schemas[0]?.at ?? []), "$ref"],
          "no finite value satisfies this recursive schema",
        );
      this.rules.release(name);
      return undefined;
    }
    entry.result = this.#place(entry, alt(...options), isRoot);
    return entry.result;
  }

  /** Literals and aliases are used in place; a body identical to an existing rule's reuses that rule. */
  #place(entry: Entry, body: Expr, isRoot: boolean): Expr {
    if (!entry.recursive && !isRoot) {
      const same = body.kind === "ref" ? body.name : this.rules.named(render(body));
      if (body.kind === "literal" || same !== undefined) {
        this.rules.release(entry.name);
        return same === undefined ? body : ref(same);
      }
    }
    this.rules.define(entry.name, render(body));
    return ref(entry.name);
  }

  repeat(item: Expr, min: number, max: number, hint: string): Expr {
    const uncounted = (min === 0 && max === 1) || (min <= 1 && max === Infinity);
    if (uncounted || isAtomic(item)) return repeat(item, min, max);
    return repeat(ref(this.rules.add(hint, render(item))), min, max);
  }

  textChar(): string {
    return this.rules.add("char", render(jsonChar(FREE_TEXT_CHARS) as Expr));
  }
}

/** The GBNF grammar (root rule `root`) of the compact JSON values `schema` accepts. */
export function jsonSchemaToGbnf(schema: object): string {
  const converter = new Converter(schema);
  const root = converter.root(schema);
  const problems = converter.problems.list;
  if (root === undefined && problems.length === 0)
    converter.problems.add(["type"], "no JSON value satisfies the schema");
  if (problems.length > 0) throw new UnsupportedSchemaError(problems);
  return converter.rules.text();
}
