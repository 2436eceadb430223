/**
 * Spelling of GBNF terminals for llama.cpp's grammar parser. Everything outside printable ASCII is
 * written as an escape (\xHH, \uHHHH, \UHHHHHHHH), so the grammar text is ASCII and no character is
 * left to the parser's UTF-8 decoding.
 */
import type { Range } from "./code-points.js";

function hexEscape(codePoint: number): string {
  const hex = codePoint.toString(16).toUpperCase();
  if (codePoint < 0x80) return `\\x${hex.padStart(2, "0")}`;
  if (codePoint <= 0xffff) return `\\u${hex.padStart(4, "0")}`;
  return `\\U${hex.padStart(8, "0")}`;
}

function isPrintableAscii(codePoint: number): boolean {
  return codePoint >= 0x20 && codePoint <= 0x7e;
}

/** A quoted GBNF literal matching exactly `text`. */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const char of text) {
    const codePoint = char.codePointAt(0) as number;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else out += isPrintableAscii(codePoint) ? char : hexEscape(codePoint);
  }
  return `${out}"`;
}

/** Characters with a meaning inside [...] for the parser: "-" makes ranges, "\" escapes, "]" ends. */
const CLASS_SPECIAL = new Set(["\\", "]", "[", "-"]);

function classChar(codePoint: number): string {
  // "^" first negates the class, and the parser has no "\^" escape.
  if (!isPrintableAscii(codePoint) || codePoint === 0x5e) return hexEscape(codePoint);
  const char = String.fromCodePoint(codePoint);
  return CLASS_SPECIAL.has(char) ? `\\${char}` : char;
}

/** A GBNF character class: [a-z] or, negated, [^a-z]. */
export function gbnfClass(ranges: readonly Range[], negated: boolean): string {
  const body = ranges
    .map(([low, high]) => {
      if (low === high) return classChar(low);
      if (high === low + 1) return classChar(low) + classChar(high);
      return `${classChar(low)}-${classChar(high)}`;
    })
    .join("");
  return `[${negated ? "^" : ""}${body}]`;
}

/** A rule name llama.cpp accepts ([A-Za-z0-9-]+) derived from a hint such as a property name. */
export function ruleNameFrom(hint: string): string {
  const name = hint.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return name === "" ? "rule" : name;
}
