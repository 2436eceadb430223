/** Arrays: "[" item ("," item)* "]" within minItems and maxItems. */
import type { Facet } from "./facet.js";
import { type Expr, literal, optional, seq } from "./gbnf-expr.js";
import { countWithinLimit, type Generation } from "./generation.js";

export function arrayExpr(gen: Generation, facet: Facet, hint: string): Expr | undefined {
  const min = facet.minItems?.value ?? 0;
  const max = facet.maxItems?.value ?? Infinity;
  if (min > max) return undefined;
  if (
    !countWithinLimit(gen.problems, min, facet.minItems?.at ?? facet.at) ||
    !countWithinLimit(gen.problems, max, facet.maxItems?.at ?? facet.at)
  )
    return literal("[]");
  if (max === 0) return literal("[]");
  if (facet.items.length === 0) {
    gen.problems.add([...facet.at, "items"], "an array needs an items schema saying what its items are");
    return literal("[]");
  }
  const item = gen.rule(facet.items);
  if (item === undefined) return min === 0 ? literal("[]") : undefined;
  const items = seq(item, gen.repeat(seq(literal(","), item), Math.max(0, min - 1), max - 1, `${hint}-next`));
  return seq(literal("["), min === 0 ? optional(items) : items, literal("]"));
}
