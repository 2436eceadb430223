/**
 * Parses the ECMAScript regular expressions JSON Schema uses for `pattern` (read with the "u" flag, as
 * ajv does), keeping what a grammar can generate: characters, escapes, classes, ".", groups,
 * alternation, quantifiers, and the anchors ^ and $. Lookarounds, backreferences, word boundaries and
 * Unicode property escapes are refused with a PatternError.
 */
import { CodePointSet } from "./code-points.js";

export type RegexNode =
  | { readonly kind: "chars"; readonly set: CodePointSet }
  | { readonly kind: "seq"; readonly items: readonly RegexNode[] }
  | { readonly kind: "alt"; readonly options: readonly RegexNode[] }
  | { readonly kind: "repeat"; readonly item: RegexNode; readonly min: number; readonly max: number }
  | { readonly kind: "anchor"; readonly at: "start" | "end"; readonly index: number };

export class PatternError extends Error {
  /** Position in the pattern, in code points. */
  readonly index: number;

  constructor(message: string, index: number) {
    super(message);
    this.name = "PatternError";
    this.index = index;
  }
}

const DIGITS = CodePointSet.of([0x30, 0x39]);
const WORD = CodePointSet.of([0x30, 0x39], [0x41, 0x5a], 0x5f, [0x61, 0x7a]);
const SPACE = CodePointSet.of(
  [0x09, 0x0d],
  0x20,
  0xa0,
  0x1680,
  [0x2000, 0x200a],
  0x2028,
  0x2029,
  0x202f,
  0x205f,
  0x3000,
  0xfeff,
);
/** "." without the s flag: anything but a line terminator. */
const DOT = CodePointSet.of(0x0a, 0x0d, 0x2028, 0x2029).complement();
const CLASS_ESCAPES: Readonly<Record<string, CodePointSet>> = {
  d: DIGITS,
  D: DIGITS.complement(),
  w: WORD,
  W: WORD.complement(),
  s: SPACE,
  S: SPACE.complement(),
};
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };
const SYNTAX_CHARACTERS = "^$\\.*+?()[]{}|/";
const HEX = /^[0-9A-Fa-f]+$/;

class Parser {
  readonly #chars: string[];
  #pos = 0;

  constructor(source: string) {
    this.#chars = [...source];
  }

  parse(): RegexNode {
    const node = this.#disjunction();
    if (this.#pos < this.#chars.length) this.#fail(`unmatched "${this.#peek()}"`);
    return node;
  }

  #fail(message: string, index = this.#pos): never {
    throw new PatternError(message, index);
  }

  #peek(offset = 0): string | undefined {
    return this.#chars[this.#pos + offset];
  }

  #next(): string {
    const char = this.#chars[this.#pos];
    if (char === undefined) this.#fail("unexpected end of pattern");
    this.#pos++;
    return char;
  }

  #eat(text: string): boolean {
    const chars = [...text];
    if (!chars.every((char, offset) => this.#peek(offset) === char)) return false;
    this.#pos += chars.length;
    return true;
  }

  #disjunction(): RegexNode {
    const options = [this.#alternative()];
    while (this.#eat("|")) options.push(this.#alternative());
    return options.length === 1 ? (options[0] as RegexNode) : { kind: "alt", options };
  }

  #alternative(): RegexNode {
    const items: RegexNode[] = [];
    while (this.#pos < this.#chars.length && this.#peek() !== "|" && this.#peek() !== ")")
      items.push(this.#term());
    return items.length === 1 ? (items[0] as RegexNode) : { kind: "seq", items };
  }

  #term(): RegexNode {
    const start = this.#pos;
    if (this.#eat("^") || this.#eat("$")) {
      if (this.#quantifier() !== undefined) this.#fail("nothing to repeat", start);
      return { kind: "anchor", at: this.#chars[start] === "^" ? "start" : "end", index: start };
    }
    if (this.#eat("\\b") || this.#eat("\\B"))
      this.#fail("word boundary assertions (\\b, \\B) are not supported", start);
    const atom = this.#atom();
    const quantifier = this.#quantifier();
    if (quantifier === undefined) return atom;
    this.#eat("?"); // lazy or greedy, a quantifier matches the same strings
    return { kind: "repeat", item: atom, ...quantifier };
  }

  #quantifier(): { min: number; max: number } | undefined {
    const start = this.#pos;
    if (this.#eat("*")) return { min: 0, max: Infinity };
    if (this.#eat("+")) return { min: 1, max: Infinity };
    if (this.#eat("?")) return { min: 0, max: 1 };
    if (!this.#eat("{")) return undefined;
    const min = this.#integer();
    let max = min;
    if (this.#eat(",")) max = this.#peek() === "}" ? Infinity : this.#integer();
    if (min === undefined || max === undefined || !this.#eat("}"))
      this.#fail('incomplete quantifier "{"', start);
    if (min > max) this.#fail("numbers out of order in {} quantifier", start);
    return { min, max };
  }

  #integer(): number | undefined {
    let digits = "";
    while (/^[0-9]$/.test(this.#peek() ?? "")) digits += this.#next();
    return digits === "" ? undefined : Number(digits);
  }

  #atom(): RegexNode {
    const start = this.#pos;
    const char = this.#next();
    switch (char) {
      case ".":
        return { kind: "chars", set: DOT };
      case "[":
        return { kind: "chars", set: this.#class() };
      case "(":
        return this.#group(start);
      case "\\":
        return { kind: "chars", set: this.#escape(false) };
      case "*":
      case "+":
      case "?":
        return this.#fail("nothing to repeat", start);
      case "{":
      case "}":
      case "]":
        return this.#fail(`lone "${char}": escape it as "\\${char}"`, start);
      default:
        return { kind: "chars", set: CodePointSet.of(char.codePointAt(0) as number) };
    }
  }

  #group(start: number): RegexNode {
    if (this.#eat("?=") || this.#eat("?!") || this.#eat("?<=") || this.#eat("?<!"))
      this.#fail("lookaround assertions are not supported", start);
    if (this.#eat("?<")) {
      while (this.#peek() !== ">") this.#next();
      this.#next();
    } else if (!this.#eat("?:") && this.#peek() === "?") {
      this.#fail("group modifiers such as (?i:...) are not supported", start);
    }
    const node = this.#disjunction();
    if (!this.#eat(")")) this.#fail('unterminated group "("', start);
    return node;
  }

  /** After "[": the class up to and including "]". */
  #class(): CodePointSet {
    const start = this.#pos - 1;
    const negated = this.#eat("^");
    let set = CodePointSet.EMPTY;
    while (!this.#eat("]")) {
      if (this.#pos >= this.#chars.length) this.#fail('unterminated character class "["', start);
      const atomStart = this.#pos;
      const low = this.#classAtom();
      if (this.#peek() === "-" && this.#peek(1) !== "]" && this.#peek(1) !== undefined) {
        this.#next();
        const high = this.#classAtom();
        const [from, to] = [low.single, high.single];
        if (from === undefined || to === undefined)
          this.#fail("a class escape such as \\d cannot bound a range", atomStart);
        if (from > to) this.#fail("range out of order in character class", atomStart);
        set = set.union(CodePointSet.of([from, to]));
      } else {
        set = set.union(low);
      }
    }
    return negated ? set.complement() : set;
  }

  #classAtom(): CodePointSet {
    const char = this.#next();
    if (char !== "\\") return CodePointSet.of(char.codePointAt(0) as number);
    if (this.#eat("b")) return CodePointSet.of(0x08);
    if (this.#eat("-")) return CodePointSet.of(0x2d);
    return this.#escape(true);
  }

  /** After "\": the set one escape stands for. */
  #escape(inClass: boolean): CodePointSet {
    const start = this.#pos - 1;
    const char = this.#next();
    const classEscape = CLASS_ESCAPES[char];
    if (classEscape !== undefined) return classEscape;
    const control = CONTROL_ESCAPES[char];
    if (control !== undefined) return CodePointSet.of(control);
    if (char === "p" || char === "P")
      this.#fail("Unicode property escapes (\\p{...}) are not supported", start);
    if (char === "k" || (/^[1-9]$/.test(char) && !inClass))
      this.#fail("backreferences are not supported", start);
    if (char === "0" && !/^[0-9]$/.test(this.#peek() ?? "")) return CodePointSet.of(0);
    if (char === "c" && /^[A-Za-z]$/.test(this.#peek() ?? ""))
      return CodePointSet.of(this.#next().charCodeAt(0) % 32);
    if (char === "x") return CodePointSet.of(this.#hex(2, start));
    if (char === "u") return CodePointSet.of(this.#unicodeEscape(start));
    if (SYNTAX_CHARACTERS.includes(char)) return CodePointSet.of(char.codePointAt(0) as number);
    return this.#fail(`unknown escape "\\${char}"`, start);
  }

  #hex(length: number, start: number): number {
    const digits = this.#chars.slice(this.#pos, this.#pos + length).join("");
    if (digits.length !== length || !HEX.test(digits)) this.#fail("invalid hexadecimal escape", start);
    this.#pos += length;
    return Number.parseInt(digits, 16);
  }

  /** After "\u": \uHHHH (a surrogate pair written as two escapes is one code point) or \u{H...}. */
  #unicodeEscape(start: number): number {
    if (this.#eat("{")) {
      let digits = "";
      while (this.#peek() !== "}" && this.#pos < this.#chars.length) digits += this.#next();
      const value = Number.parseInt(digits, 16);
      if (!this.#eat("}") || !HEX.test(digits) || value > 0x10ffff)
        this.#fail("invalid \\u{...} escape", start);
      return value;
    }
    const unit = this.#hex(4, start);
    if (unit >= 0xd800 && unit <= 0xdbff && this.#peek() === "\\" && this.#peek(1) === "u") {
      const save = this.#pos;
      this.#pos += 2;
      const low = HEX.test(this.#chars.slice(this.#pos, this.#pos + 4).join("")) ? this.#hex(4, start) : -1;
      if (low >= 0xdc00 && low <= 0xdfff) return 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      this.#pos = save;
    }
    return unit;
  }
}

export function parsePattern(source: string): RegexNode {
  return new Parser(source).parse();
}
