/**
 * The regular-expression engine of every profile schema's `pattern` and `patternProperties`: RE2
 * (re2js), whose matching time grows linearly with the text, so that no pattern a client sends (such as
 * "^(a+)+$") can hold the event loop the way a backtracking engine does.
 *
 * A pattern is read by the parser the model's grammar is made with (ECMAScript syntax with the "u" flag,
 * as JSON Schema says) and its tree written out in RE2 syntax, so validation and grammar agree on what a
 * pattern means (RE2's own `\s`, `.` and `$` differ from ECMAScript's), and what that parser refuses
 * (lookarounds, backreferences) is refused here, when the profile is loaded.
 */
import { RE2JS } from "re2js";
import { parsePattern, type RegexNode } from "../grammar/regex-parse.js";

const hex = (codePoint: number) => `\\x{${codePoint.toString(16)}}`;

function quantifier(min: number, max: number): string {
  if (max === Number.POSITIVE_INFINITY) return min === 0 ? "*" : min === 1 ? "+" : `{${min},}`;
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

/** The tree in RE2 syntax; every code point as \x{...}, so nothing needs escaping. */
function re2Syntax(node: RegexNode): string {
  switch (node.kind) {
    case "chars": {
      if (node.set.isEmpty) return "[^\\x{0}-\\x{10ffff}]";
      const ranges = node.set.ranges.map(([low, high]) =>
        low === high ? hex(low) : `${hex(low)}-${hex(high)}`,
      );
      return `[${ranges.join("")}]`;
    }
    case "seq":
      return `(?:${node.items.map(re2Syntax).join("")})`;
    case "alt":
      return `(?:${node.options.map(re2Syntax).join("|")})`;
    case "repeat":
      return `(?:${re2Syntax(node.item)})${quantifier(node.min, node.max)}`;
    case "anchor":
      // Without the "m" flag, ECMAScript's ^ and $ are the ends of the whole text.
      return node.at === "start" ? "\\A" : "\\z";
  }
}

/** Why RE2 refused a pattern, without re2js's "error parsing regexp: " prefix. */
function reason(error: unknown): string {
  return (error as Error).message.replace(/^error parsing regexp: /, "");
}

/**
 * ajv's `code.regExp`: compiles when ajv compiles the schema, and throws there, with a message naming
 * the pattern, for one that cannot run in linear time (ajv then refuses the schema).
 */
export const linearRegExp = Object.assign(
  (pattern: string): { test(text: string): boolean; toString(): string } => {
    let compiled: RE2JS;
    try {
      compiled = RE2JS.compile(re2Syntax(parsePattern(pattern)));
    } catch (error) {
      throw new Error(
        `pattern ${JSON.stringify(pattern)} cannot be used: ${reason(error)} (patterns run on a linear-time engine, RE2)`,
      );
    }
    // ajv shares one compiled pattern between the places a schema repeats it, keyed by this text.
    return { test: (text) => compiled.test(text), toString: () => `/${pattern}/u` };
  },
  { code: "linearRegExp" },
);
