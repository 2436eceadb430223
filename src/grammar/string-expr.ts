/** Strings: free text within length bounds, a pattern, or a format. */
import type { Facet, Keyword } from "./facet.js";
import { FORMATS } from "./formats.js";
import { type Expr, literal, ref, render, seq } from "./gbnf-expr.js";
import { countWithinLimit, type Generation } from "./generation.js";
import type { Path } from "./problems.js";
import { patternGrammar } from "./regex-gbnf.js";
import { PatternError, parsePattern, type RegexNode } from "./regex-parse.js";

interface Content {
  expr: Expr | undefined;
  minLength: number;
  maxLength: number;
}

function countsWithinLimit(gen: Generation, node: RegexNode, at: Path): boolean {
  switch (node.kind) {
    case "repeat":
      return (
        countWithinLimit(gen.problems, node.min, at) &&
        countWithinLimit(gen.problems, node.max, at) &&
        countsWithinLimit(gen, node.item, at)
      );
    case "seq":
      return node.items.every((item) => countsWithinLimit(gen, item, at));
    case "alt":
      return node.options.every((option) => countsWithinLimit(gen, option, at));
    default:
      return true;
  }
}

function patternContent(gen: Generation, pattern: Keyword<string>, hint: string): Content | undefined {
  try {
    const node = parsePattern(pattern.value);
    if (!countsWithinLimit(gen, node, pattern.at)) return undefined;
    return patternGrammar(node, gen.textChar(), (item, min, max) =>
      gen.repeat(item, min, max, `${hint}-part`),
    );
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    gen.problems.add(pattern.at, `${error.message} (at character ${error.index + 1} of the pattern)`);
    return undefined;
  }
}

function formatContent(gen: Generation, format: Keyword<string>): Content | undefined {
  const grammar = FORMATS[format.value];
  if (grammar === undefined) {
    gen.problems.add(
      format.at,
      `format "${format.value}" cannot be generated (supported: ${Object.keys(FORMATS).join(", ")}); use a pattern`,
    );
    return undefined;
  }
  return { ...grammar, expr: ref(gen.rules.add(format.value, render(grammar.expr))) };
}

/** Length bounds beside a pattern or format are honoured when the pattern or format already implies them. */
function lengthsImplied(gen: Generation, facet: Facet, content: Content, what: string): boolean {
  const { minLength, maxLength } = facet;
  let implied = true;
  if (minLength !== undefined && minLength.value > content.minLength) {
    gen.problems.add(
      minLength.at,
      `the ${what} allows ${content.minLength} characters: put the length in the ${what} instead`,
    );
    implied = false;
  }
  if (maxLength !== undefined && maxLength.value < content.maxLength) {
    const allowed = content.maxLength === Infinity ? "any number of" : String(content.maxLength);
    gen.problems.add(
      maxLength.at,
      `the ${what} allows ${allowed} characters: put the length in the ${what} instead`,
    );
    implied = false;
  }
  return implied;
}

function freeText(gen: Generation, facet: Facet, min: number, max: number, hint: string): Expr {
  const limitsUsable =
    countWithinLimit(gen.problems, min, facet.minLength?.at ?? facet.at) &&
    countWithinLimit(gen.problems, max, facet.maxLength?.at ?? facet.at);
  if (!limitsUsable) return literal('""');
  const text = seq(literal('"'), gen.repeat(ref(gen.textChar()), min, max, hint), literal('"'));
  // Plain strings share one rule, named for what it is rather than after the first property using it.
  return min === 0 && max === Infinity ? ref(gen.rules.add("string", render(text))) : text;
}

export function stringExpr(gen: Generation, facet: Facet, hint: string): Expr | undefined {
  const [pattern, ...otherPatterns] = facet.patterns;
  const [format, ...otherFormats] = facet.formats;
  for (const other of otherPatterns)
    gen.problems.add(other.at, "a string may have one pattern: combine them into one");
  for (const other of otherFormats) gen.problems.add(other.at, "a string may have one format");
  if (pattern !== undefined && format !== undefined)
    gen.problems.add(format.at, "format and pattern together are not supported: keep one");
  const min = facet.minLength?.value ?? 0;
  const max = facet.maxLength?.value ?? Infinity;
  if (min > max) return undefined;
  if (pattern === undefined && format === undefined) return freeText(gen, facet, min, max, hint);
  const shaped =
    pattern !== undefined
      ? patternContent(gen, pattern, hint)
      : formatContent(gen, format as Keyword<string>);
  // After a problem, any expression will do: the grammar is not returned.
  if (shaped === undefined) return literal('""');
  if (!lengthsImplied(gen, facet, shaped, pattern !== undefined ? "pattern" : "format")) return literal('""');
  return shaped.expr && seq(literal('"'), shaped.expr, literal('"'));
}
