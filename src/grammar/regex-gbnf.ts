/**
 * A parsed `pattern` as the GBNF of a JSON string's content. JSON Schema patterns are not anchored: a
 * string is valid when the pattern matches anywhere in it, so an alternative without ^ (or $) is
 * preceded (or followed) by any text.
 */
import { alt, type Expr, literal, ref, repeat, seq } from "./gbnf-expr.js";
import { jsonChar } from "./json-chars.js";
import { PatternError, type RegexNode } from "./regex-parse.js";

export interface PatternGrammar {
  /** Undefined when no string matches. */
  expr: Expr | undefined;
  /** Length bounds, in code points, of the matching strings. */
  minLength: number;
  maxLength: number;
}

/** Builds the counted repetitions the caller allows (it may hoist complex items into rules of their own). */
export type Repeater = (item: Expr, min: number, max: number) => Expr;

interface Converted {
  expr: Expr | undefined;
  min: number;
  max: number;
}

function lengthTimes(length: number, times: number): number {
  return times === 0 ? 0 : length * times;
}

function convert(node: RegexNode, repeater: Repeater): Converted {
  switch (node.kind) {
    case "anchor":
      throw new PatternError("^ and $ are supported only at the start and end of the pattern", node.index);
    case "chars": {
      const expr = jsonChar(node.set);
      return { expr, min: 1, max: 1 };
    }
    case "seq": {
      const parts = node.items.map((item) => convert(item, repeater));
      const exprs = parts.map((part) => part.expr);
      return {
        expr: exprs.every((expr) => expr !== undefined) ? seq(...(exprs as Expr[])) : undefined,
        min: parts.reduce((sum, part) => sum + part.min, 0),
        max: parts.reduce((sum, part) => sum + part.max, 0),
      };
    }
    case "alt": {
      const parts = node.options.map((option) => convert(option, repeater)).filter((part) => part.expr);
      if (parts.length === 0) return { expr: undefined, min: 0, max: 0 };
      return {
        expr: alt(...parts.map((part) => part.expr as Expr)),
        min: Math.min(...parts.map((part) => part.min)),
        max: Math.max(...parts.map((part) => part.max)),
      };
    }
    case "repeat": {
      const item = convert(node.item, repeater);
      const empty = { expr: literal(""), min: 0, max: 0 };
      if (item.expr === undefined) return node.min === 0 ? empty : { ...empty, expr: undefined };
      if (item.max === 0) return empty;
      return {
        expr: repeater(item.expr, node.min, node.max),
        min: lengthTimes(item.min, node.min),
        max: lengthTimes(item.max, node.max),
      };
    }
  }
}

/** Top-level alternatives, each with its leading ^ and trailing $ taken off. */
function anchoredOptions(root: RegexNode): { node: RegexNode; start: boolean; end: boolean }[] {
  const options = root.kind === "alt" ? root.options : [root];
  return options.map((option) => {
    const items = option.kind === "seq" ? [...option.items] : [option];
    let start = false;
    let end = false;
    for (let first = items[0]; first?.kind === "anchor" && first.at === "start"; first = items[0]) {
      items.shift();
      start = true;
    }
    for (let last = items.at(-1); last?.kind === "anchor" && last.at === "end"; last = items.at(-1)) {
      items.pop();
      end = true;
    }
    return { node: { kind: "seq", items }, start, end };
  });
}

/**
 * `anyText` is the rule for any string content, put where the pattern is not anchored.
 * Throws PatternError for anchors elsewhere than at the ends.
 */
export function patternGrammar(root: RegexNode, anyText: string, repeater: Repeater): PatternGrammar {
  const options = anchoredOptions(root).map(({ node, start, end }) => {
    const body = convert(node, repeater);
    const expr =
      body.expr &&
      seq(
        start ? literal("") : repeat(ref(anyText), 0, Infinity),
        body.expr,
        end ? literal("") : repeat(ref(anyText), 0, Infinity),
      );
    return { expr, min: body.min, max: start && end ? body.max : Infinity };
  });
  const matching = options.filter((option) => option.expr !== undefined);
  if (matching.length === 0) return { expr: undefined, minLength: 0, maxLength: 0 };
  return {
    expr: alt(...matching.map((option) => option.expr as Expr)),
    minLength: Math.min(...matching.map((option) => option.min)),
    maxLength: Math.max(...matching.map((option) => option.max)),
  };
}
