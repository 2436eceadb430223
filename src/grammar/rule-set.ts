/**
 * The rules of one grammar: unique names, rules with identical bodies shared, and the text written in
 * the order names were reserved (so `root`, reserved first, comes first).
 */
import { ruleNameFrom } from "./gbnf-text.js";

export class RuleSet {
  /** Reserved names in order, with their bodies once defined. */
  readonly #bodies = new Map<string, string | undefined>();
  readonly #byBody = new Map<string, string>();

  /** A fresh name derived from `hint`, to define later (a rule may refer to itself before its body exists). */
  reserve(hint: string): string {
    const base = ruleNameFrom(hint);
    let name = base;
    for (let suffix = 2; this.#bodies.has(name); suffix++) name = `${base}-${suffix}`;
    this.#bodies.set(name, undefined);
    return name;
  }

  release(name: string): void {
    this.#bodies.delete(name);
  }

  define(name: string, body: string): void {
    this.#bodies.set(name, body);
    if (!this.#byBody.has(body)) this.#byBody.set(body, name);
  }

  /** The name of a rule already defined with exactly this body. */
  named(body: string): string | undefined {
    return this.#byBody.get(body);
  }

  /** Defines a rule, or returns the one already defined with the same body. */
  add(hint: string, body: string): string {
    const existing = this.#byBody.get(body);
    if (existing !== undefined) return existing;
    const name = this.reserve(hint);
    this.define(name, body);
    return name;
  }

  text(): string {
    const lines: string[] = [];
    for (const [name, body] of this.#bodies) {
      if (body === undefined) throw new Error(`grammar rule "${name}" was reserved but never defined`);
      lines.push(`${name} ::= ${body}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
