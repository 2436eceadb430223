/**
 * GBNF right-hand sides as a small tree, rendered to text once: building them as trees lets the
 * converter merge adjacent literals, flatten nested sequences and alternations, and put parentheses
 * only where precedence needs them.
 */
import type { Range } from "./code-points.js";
import { gbnfClass, gbnfLiteral } from "./gbnf-text.js";

export type Expr =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "class"; readonly ranges: readonly Range[]; readonly negated: boolean }
  | { readonly kind: "ref"; readonly name: string }
  | { readonly kind: "seq"; readonly items: readonly Expr[] }
  | { readonly kind: "alt"; readonly options: readonly Expr[] }
  | { readonly kind: "repeat"; readonly item: Expr; readonly min: number; readonly max: number };

/** The empty string. */
export const EMPTY: Expr = { kind: "literal", text: "" };

export function literal(text: string): Expr {
  return { kind: "literal", text };
}

export function charClass(ranges: readonly Range[], negated = false): Expr {
  return { kind: "class", ranges, negated };
}

export function ref(name: string): Expr {
  return { kind: "ref", name };
}

export function seq(...items: readonly Expr[]): Expr {
  const flat: Expr[] = [];
  for (const item of items.flatMap((item) => (item.kind === "seq" ? item.items : [item]))) {
    const last = flat.at(-1);
    if (item.kind === "literal" && item.text === "") continue;
    if (item.kind === "literal" && last?.kind === "literal")
      flat[flat.length - 1] = literal(last.text + item.text);
    else flat.push(item);
  }
  if (flat.length === 0) return EMPTY;
  return flat.length === 1 ? (flat[0] as Expr) : { kind: "seq", items: flat };
}

export function alt(...options: readonly Expr[]): Expr {
  const seen = new Set<string>();
  const flat: Expr[] = [];
  for (const option of options.flatMap((option) => (option.kind === "alt" ? option.options : [option]))) {
    const text = render(option);
    if (seen.has(text)) continue;
    seen.add(text);
    flat.push(option);
  }
  if (flat.length === 0) throw new Error("an alternation needs at least one option");
  return flat.length === 1 ? (flat[0] as Expr) : { kind: "alt", options: flat };
}

/** `item` repeated min to max times (max may be Infinity). */
export function repeat(item: Expr, min: number, max: number): Expr {
  if (max === 0 || (item.kind === "literal" && item.text === "")) return EMPTY;
  if (min === 1 && max === 1) return item;
  return { kind: "repeat", item, min, max };
}

export function optional(item: Expr): Expr {
  return repeat(item, 0, 1);
}

/** Terminals and rule references: a counted repetition of them creates no nested rules in llama.cpp. */
export function isAtomic(expr: Expr): boolean {
  return expr.kind === "literal" || expr.kind === "class" || expr.kind === "ref";
}

function quantifier(min: number, max: number): string {
  if (min === 0 && max === 1) return "?";
  if (min === 0 && max === Infinity) return "*";
  if (min === 1 && max === Infinity) return "+";
  if (min === max) return `{${min}}`;
  return max === Infinity ? `{${min},}` : `{${min},${max}}`;
}

/** Precedence levels: 0 a rule body, 1 an item of a sequence, 2 the operand of a quantifier. */
export function render(expr: Expr, level = 0): string {
  switch (expr.kind) {
    case "literal":
      return gbnfLiteral(expr.text);
    case "class":
      return gbnfClass(expr.ranges, expr.negated);
    case "ref":
      return expr.name;
    case "seq": {
      const text = expr.items.map((item) => render(item, 1)).join(" ");
      return level >= 2 ? `(${text})` : text;
    }
    case "alt": {
      const text = expr.options.map((option) => render(option, 1)).join(" | ");
      return level >= 1 ? `(${text})` : text;
    }
    case "repeat": {
      const text = `${render(expr.item, 2)}${quantifier(expr.min, expr.max)}`;
      return level >= 2 ? `(${text})` : text;
    }
  }
}
