/**
 * A GBNF reader and recognizer for tests: parses grammar text the way llama.cpp's parser does (same
 * escapes, same repetition limits: a bound above 2000 becomes no bound, too many nested repetitions
 * are an error) and answers whether a whole string is in the grammar's language, without a model.
 */

export type GbnfNode =
  | { kind: "literal"; codePoints: number[] }
  | { kind: "class"; ranges: [number, number][]; negated: boolean }
  | { kind: "any" }
  | { kind: "ref"; name: string }
  | { kind: "seq"; items: GbnfNode[] }
  | { kind: "alt"; options: GbnfNode[] }
  | { kind: "repeat"; item: GbnfNode; min: number; max: number };

export interface Gbnf {
  rules: Map<string, GbnfNode>;
}

/** llama.cpp's MAX_REPETITION_THRESHOLD. */
const REPETITION_THRESHOLD = 2000;

class GbnfSyntaxError extends Error {}

class Reader {
  readonly #text: string;
  #pos = 0;
  /** Rule names and generated symbols, counted as llama.cpp counts them to limit nested repetitions. */
  #symbols = 0;
  readonly #names = new Set<string>();
  readonly rules = new Map<string, GbnfNode>();

  constructor(text: string) {
    this.#text = text;
  }

  #fail(message: string): never {
    throw new GbnfSyntaxError(`${message} at ${JSON.stringify(this.#text.slice(this.#pos, this.#pos + 30))}`);
  }

  #peek(): string {
    return this.#text[this.#pos] ?? "";
  }

  #space(newlines: boolean): void {
    for (;;) {
      const char = this.#peek();
      if (char === "#") while (this.#pos < this.#text.length && !"\r\n".includes(this.#peek())) this.#pos++;
      else if (char === " " || char === "\t" || (newlines && (char === "\r" || char === "\n"))) this.#pos++;
      else return;
    }
  }

  #name(): string {
    const match = /^[A-Za-z0-9-]+/.exec(this.#text.slice(this.#pos));
    if (match === null) this.#fail("expecting name");
    this.#pos += match[0].length;
    if (!this.#names.has(match[0])) {
      this.#names.add(match[0]);
      this.#symbols++;
    }
    return match[0];
  }

  #hex(length: number): number {
    const digits = this.#text.slice(this.#pos, this.#pos + length);
    if (!new RegExp(`^[0-9A-Fa-f]{${length}}$`).test(digits)) this.#fail(`expecting ${length} hex chars`);
    this.#pos += length;
    return Number.parseInt(digits, 16);
  }

  #char(): number {
    const char = this.#text.codePointAt(this.#pos);
    if (char === undefined) this.#fail("unexpected end of input");
    if (char !== 0x5c) {
      this.#pos += char > 0xffff ? 2 : 1;
      return char;
    }
    const escaped = this.#text[this.#pos + 1] ?? "";
    this.#pos += 2;
    if (escaped === "x") return this.#hex(2);
    if (escaped === "u") return this.#hex(4);
    if (escaped === "U") return this.#hex(8);
    const simple: Record<string, number> = {
      t: 9,
      r: 13,
      n: 10,
      "\\": 0x5c,
      '"': 0x22,
      "[": 0x5b,
      "]": 0x5d,
      "-": 0x2d,
    };
    const value = simple[escaped];
    if (value === undefined) this.#fail("unknown escape");
    return value;
  }

  #alternates(nested: boolean): GbnfNode {
    const options = [this.#sequence(nested)];
    while (this.#peek() === "|") {
      this.#pos++;
      this.#space(true);
      options.push(this.#sequence(nested));
    }
    return options.length === 1 ? (options[0] as GbnfNode) : { kind: "alt", options };
  }

  #sequence(nested: boolean): GbnfNode {
    const items: GbnfNode[] = [];
    let previousRules = 1;
    const quantify = (min: number, max: number): void => {
      const last = items.pop();
      if (last === undefined) this.#fail("expecting preceding item to */+/?/{");
      const total = max !== Infinity && max > 0 ? max : Math.max(min, 1);
      if (previousRules * total >= REPETITION_THRESHOLD) this.#fail("too many repetitions of nested rules");
      this.#symbols += max === Infinity ? 1 : max - min;
      previousRules *= total;
      items.push({ kind: "repeat", item: last, min, max });
    };
    for (;;) {
      const char = this.#peek();
      if (char === '"') {
        this.#pos++;
        const codePoints: number[] = [];
        while (this.#peek() !== '"') codePoints.push(this.#char());
        this.#pos++;
        items.push({ kind: "literal", codePoints });
        previousRules = 1;
      } else if (char === "[") {
        this.#pos++;
        const negated = this.#peek() === "^";
        if (negated) this.#pos++;
        const ranges: [number, number][] = [];
        while (this.#peek() !== "]") {
          const low = this.#char();
          if (this.#peek() === "-" && this.#text[this.#pos + 1] !== "]") {
            this.#pos++;
            ranges.push([low, this.#char()]);
          } else ranges.push([low, low]);
        }
        this.#pos++;
        items.push({ kind: "class", ranges, negated });
        previousRules = 1;
      } else if (/[A-Za-z0-9-]/.test(char)) {
        items.push({ kind: "ref", name: this.#name() });
        previousRules = 1;
      } else if (char === "(") {
        this.#pos++;
        this.#space(true);
        const before = this.#symbols;
        this.#symbols++;
        items.push(this.#alternates(true));
        previousRules = Math.max(1, this.#symbols - before);
        if (this.#peek() !== ")") this.#fail("expecting ')'");
        this.#pos++;
      } else if (char === ".") {
        this.#pos++;
        items.push({ kind: "any" });
        previousRules = 1;
      } else if (char === "*" || char === "+" || char === "?") {
        this.#pos++;
        this.#space(nested);
        quantify(char === "+" ? 1 : 0, char === "?" ? 1 : Infinity);
        continue;
      } else if (char === "{") {
        this.#pos++;
        this.#space(nested);
        const bounds = /^(\d+)\s*(,\s*(\d*))?\s*\}/.exec(this.#text.slice(this.#pos));
        if (bounds === null) this.#fail("expecting {m}, {m,} or {m,n}");
        this.#pos += bounds[0].length;
        const min = Number(bounds[1]);
        let max = bounds[2] === undefined ? min : bounds[3] ? Number(bounds[3]) : Infinity;
        if (min > REPETITION_THRESHOLD) this.#fail("number of repetitions exceeds sane defaults");
        // llama.cpp reads a larger upper bound as none at all.
        if (max > REPETITION_THRESHOLD) max = Infinity;
        this.#space(nested);
        quantify(min, max);
        continue;
      } else {
        break;
      }
      this.#space(nested);
    }
    return items.length === 1 ? (items[0] as GbnfNode) : { kind: "seq", items };
  }

  parse(): Gbnf {
    this.#space(true);
    while (this.#pos < this.#text.length) {
      const name = this.#name();
      this.#space(false);
      if (!this.#text.startsWith("::=", this.#pos)) this.#fail("expecting ::=");
      this.#pos += 3;
      this.#space(true);
      this.rules.set(name, this.#alternates(false));
      if (this.#peek() === "\r") this.#pos++;
      if (this.#peek() === "\n") this.#pos++;
      else if (this.#pos < this.#text.length) this.#fail("expecting newline or end");
      this.#space(true);
    }
    for (const name of this.#names)
      if (!this.rules.has(name)) throw new GbnfSyntaxError(`undefined rule ${name}`);
    return { rules: this.rules };
  }
}

export function parseGbnf(text: string): Gbnf {
  return new Reader(text).parse();
}

function inClass(node: GbnfNode & { kind: "class" }, codePoint: number): boolean {
  const found = node.ranges.some(([low, high]) => low <= codePoint && codePoint <= high);
  return found !== node.negated;
}

/** All end positions of `node` matched from `start` in `input` (code points). */
class Recognizer {
  readonly #grammar: Gbnf;
  readonly #input: number[];
  readonly #memo = new Map<GbnfNode, Map<number, ReadonlySet<number>>>();
  readonly #active = new Set<string>();

  constructor(grammar: Gbnf, input: number[]) {
    this.#grammar = grammar;
    this.#input = input;
  }

  ends(node: GbnfNode, start: number): ReadonlySet<number> {
    let byStart = this.#memo.get(node);
    if (byStart === undefined) {
      byStart = new Map();
      this.#memo.set(node, byStart);
    }
    const known = byStart.get(start);
    if (known !== undefined) return known;
    const result = this.#compute(node, start);
    byStart.set(start, result);
    return result;
  }

  #compute(node: GbnfNode, start: number): ReadonlySet<number> {
    const input = this.#input;
    switch (node.kind) {
      case "literal":
        return node.codePoints.every((codePoint, offset) => input[start + offset] === codePoint)
          ? new Set([start + node.codePoints.length])
          : new Set();
      case "class": {
        const codePoint = input[start];
        return codePoint !== undefined && inClass(node, codePoint) ? new Set([start + 1]) : new Set();
      }
      case "any":
        return start < input.length ? new Set([start + 1]) : new Set();
      case "ref": {
        const key = `${node.name}@${start}`;
        if (this.#active.has(key)) throw new Error(`left recursion through ${node.name}`);
        this.#active.add(key);
        const body = this.#grammar.rules.get(node.name) as GbnfNode;
        const result = this.ends(body, start);
        this.#active.delete(key);
        return result;
      }
      case "seq": {
        let frontier: ReadonlySet<number> = new Set([start]);
        for (const item of node.items) {
          const next = new Set<number>();
          for (const position of frontier) for (const end of this.ends(item, position)) next.add(end);
          frontier = next;
        }
        return frontier;
      }
      case "alt":
        return new Set(node.options.flatMap((option) => [...this.ends(option, start)]));
      case "repeat": {
        const result = new Set<number>(node.min === 0 ? [start] : []);
        let frontier = new Set([start]);
        for (let count = 1; count <= node.max && frontier.size > 0; count++) {
          const next = new Set<number>();
          for (const position of frontier) for (const end of this.ends(node.item, position)) next.add(end);
          if (count < node.min) frontier = next;
          else {
            frontier = new Set([...next].filter((end) => !result.has(end)));
            for (const end of frontier) result.add(end);
          }
        }
        return result;
      }
    }
  }
}

/** Whether the whole of `text` is in the language of the grammar's `root` rule. */
export function gbnfMatches(grammar: Gbnf, text: string, root = "root"): boolean {
  const input = [...text].map((char) => char.codePointAt(0) as number);
  return new Recognizer(grammar, input).ends({ kind: "ref", name: root }, 0).has(input.length);
}
