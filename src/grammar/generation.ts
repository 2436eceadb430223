/** What the builders of objects, arrays, strings and numbers need from the converter. */
import type { Expr } from "./gbnf-expr.js";
import type { Located } from "./located.js";
import type { Path, Problems } from "./problems.js";
import type { RuleSet } from "./rule-set.js";

/**
 * The largest count a bound (minLength, maxItems, a pattern's {n,m}...) may have. llama.cpp expands a
 * counted repetition into one rule per optional step and refuses 2000 or more; it also reads an upper
 * bound above 2000 as no bound at all, so larger bounds are refused here rather than lost there.
 */
export const MAX_COUNT = 1000;

export interface Generation {
  readonly problems: Problems;
  readonly rules: RuleSet;
  /**
   * The values valid against every schema in `schemas`: a reference to their rule, or the literal when
   * there is one value only; undefined when there are none.
   */
  rule(schemas: readonly Located[]): Expr | undefined;
  /** `item` min to max times; an item that is not a terminal or a rule becomes a rule of its own first. */
  repeat(item: Expr, min: number, max: number, hint: string): Expr;
  /** The rule for one character of free text in a JSON string. */
  textChar(): string;
}

/** Reports a count above MAX_COUNT; true when the count can be used. */
export function countWithinLimit(problems: Problems, count: number, at: Path): boolean {
  if (count <= MAX_COUNT || count === Infinity) return true;
  problems.add(at, `${count} is above ${MAX_COUNT}, the largest count the grammar expands`);
  return false;
}
