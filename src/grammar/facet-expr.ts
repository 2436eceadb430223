/** The GBNF of one facet: its listed values, or the union of what each allowed type generates. */
import { arrayExpr } from "./array-expr.js";
import type { Facet } from "./facet.js";
import { alt, type Expr, literal } from "./gbnf-expr.js";
import type { Generation } from "./generation.js";
import { booleanExpr, integerExpr, numberExpr } from "./number-expr.js";
import { objectExpr } from "./object-expr.js";
import { stringExpr } from "./string-expr.js";
import type { JsonType } from "./values.js";

const ORDER: readonly JsonType[] = ["object", "array", "string", "integer", "number", "boolean", "null"];

/** Without "type", the keywords must tell: only object keywords mean an object, and so on. */
function inferredTypes(gen: Generation, facet: Facet): ReadonlySet<JsonType> {
  const families = new Set(facet.constraints.map((constraint) => constraint.family));
  const [only, ...others] = families;
  if (only !== undefined && others.length === 0) return new Set([only]);
  gen.problems.add(
    [...facet.at, "type"],
    only === undefined
      ? "say which type of value this is (type): any JSON value cannot be generated"
      : `keywords for several types of value (${[...families].join(", ")}) without a type: add "type"`,
  );
  return new Set();
}

function typeExpr(gen: Generation, facet: Facet, type: JsonType, hint: string): Expr | undefined {
  switch (type) {
    case "object":
      return objectExpr(gen, facet, hint);
    case "array":
      return arrayExpr(gen, facet, hint);
    case "string":
      return stringExpr(gen, facet, hint);
    case "integer":
      return integerExpr(gen, facet);
    case "number":
      return numberExpr(gen, facet);
    case "boolean":
      return booleanExpr(gen);
    case "null":
      return literal("null");
  }
}

/** Undefined when the facet allows no value. */
export function facetExpr(gen: Generation, facet: Facet, hint: string): Expr | undefined {
  if (facet.values !== undefined) return alt(...facet.values.map((value) => literal(JSON.stringify(value))));
  const types = facet.types ?? inferredTypes(gen, facet);
  const options = ORDER.filter((type) => types.has(type)).flatMap(
    (type) => typeExpr(gen, facet, type, hint) ?? [],
  );
  return options.length === 0 ? undefined : alt(...options);
}
