/**
 * Random strings from a GBNF grammar, for property tests: everything a grammar can produce must be
 * valid, so sampling many derivations probes the whole language, odd characters included.
 */
import type { Gbnf, GbnfNode } from "./gbnf-match.js";

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters a negated class is sampled from: what breaks JSON or escaping, and text beyond ASCII. */
const CANDIDATES = [
  ..."aZ09 -_.,;:'!?/()[]{}<>&%$@#+=*~^`|",
  '"',
  "\\",
  "\n",
  "\t",
  "\r",
  "\b",
  "\f",
  "\u0000",
  "\u001f",
  "\u007f",
  "é",
  "ß",
  "Œ",
  "ſ",
  "ﬁ",
  "\u00a0",
  "\u2028",
  "中",
  "ا",
  "😀",
  "𝔄",
].map((char) => char.codePointAt(0) as number);

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function sampleClass(random: () => number, node: GbnfNode & { kind: "class" }): number {
  if (!node.negated) {
    const [low, high] = pick(random, node.ranges);
    return low + Math.floor(random() * (high - low + 1));
  }
  const allowed = CANDIDATES.filter(
    (codePoint) => !node.ranges.some(([low, high]) => low <= codePoint && codePoint <= high),
  );
  return pick(random, allowed);
}

export interface SampleOptions {
  /** Extra repetitions beyond a quantifier's minimum, at most. */
  maxExtra?: number;
  /** Below this depth of rules, quantifiers repeat their minimum only, so recursive grammars end. */
  maxDepth?: number;
}

export function sampleGbnf(grammar: Gbnf, random: () => number, options: SampleOptions = {}): string {
  const maxExtra = options.maxExtra ?? 3;
  const maxDepth = options.maxDepth ?? 12;
  const out: number[] = [];
  const walk = (node: GbnfNode, depth: number): void => {
    switch (node.kind) {
      case "literal":
        out.push(...node.codePoints);
        return;
      case "class":
        out.push(sampleClass(random, node));
        return;
      case "any":
        out.push(pick(random, CANDIDATES));
        return;
      case "ref":
        walk(grammar.rules.get(node.name) as GbnfNode, depth + 1);
        return;
      case "seq":
        for (const item of node.items) walk(item, depth);
        return;
      case "alt":
        walk(pick(random, node.options), depth);
        return;
      case "repeat": {
        const room = depth > maxDepth ? 0 : Math.min(node.max - node.min, maxExtra);
        const count = node.min + Math.floor(random() * (room + 1));
        for (let index = 0; index < count; index++) walk(node.item, depth);
      }
    }
  };
  walk({ kind: "ref", name: "root" }, 0);
  return String.fromCodePoint(...out);
}
