/** Integers (with their bounds as digit rules), numbers, booleans and null, written as JSON.stringify writes them. */
import type { Facet } from "./facet.js";
import { alt, charClass, type Expr, literal, optional, ref, render, repeat, seq } from "./gbnf-expr.js";
import type { Generation } from "./generation.js";
import { integerRange, MAX_DIGITS } from "./integer-range.js";

const digit = charClass([[0x30, 0x39]]);

const nonZero = charClass([[0x31, 0x39]]);
const fraction = seq(literal("."), repeat(digit, 0, Infinity), nonZero);

/**
 * Numbers close to how JSON.stringify writes them (no "-0", a fraction ends with a non-zero digit, the
 * exponent is "e" with its sign), and always finite: a bounded number of digits, exponents of at most
 * two digits.
 */
const NUMBER = seq(
  alt(
    seq(optional(literal("-")), nonZero, repeat(digit, 0, MAX_DIGITS - 1), optional(fraction)),
    seq(optional(literal("-")), literal("0"), fraction),
    literal("0"),
  ),
  optional(
    seq(
      literal("e"),
      charClass([
        [0x2b, 0x2b],
        [0x2d, 0x2d],
      ]),
      nonZero,
      optional(digit),
    ),
  ),
);

const BOOLEAN = alt(literal("true"), literal("false"));

export function booleanExpr(gen: Generation): Expr {
  return ref(gen.rules.add("boolean", render(BOOLEAN)));
}

/** The integer bounds of a facet: minimum 1.5 means 2, exclusiveMaximum 10 means 9. */
function integerBounds(facet: Facet): [number, number] {
  const { lower, upper } = facet;
  let min = -Infinity;
  let max = Infinity;
  if (lower !== undefined) min = lower.exclusive ? Math.floor(lower.value) + 1 : Math.ceil(lower.value);
  if (upper !== undefined) max = upper.exclusive ? Math.ceil(upper.value) - 1 : Math.floor(upper.value);
  return [min, max];
}

/** ajv-formats has formats for numbers too (int32, float...): the grammar enforces none of them. */
function refuseFormats(gen: Generation, facet: Facet): void {
  for (const format of facet.formats)
    gen.problems.add(format.at, "formats of numbers are not enforced: use minimum and maximum on an integer");
}

export function integerExpr(gen: Generation, facet: Facet): Expr | undefined {
  refuseFormats(gen, facet);
  if (facet.lower === undefined && facet.upper === undefined)
    return ref(gen.rules.add("integer", render(integerRange(-Infinity, Infinity) as Expr)));
  const [min, max] = integerBounds(facet);
  for (const [bound, value] of [
    [facet.lower, min],
    [facet.upper, max],
  ] as const)
    if (bound !== undefined && !Number.isSafeInteger(value)) {
      gen.problems.add(bound.at, `integer bounds must lie within ±${Number.MAX_SAFE_INTEGER}`);
      return literal("0");
    }
  return integerRange(min, max);
}

export function numberExpr(gen: Generation, facet: Facet): Expr {
  refuseFormats(gen, facet);
  for (const bound of [facet.lower, facet.upper])
    if (bound !== undefined)
      gen.problems.add(
        bound.at,
        'bounds are enforced on integers only: use "type": "integer", or drop the bound',
      );
  return ref(gen.rules.add("number", render(NUMBER)));
}
