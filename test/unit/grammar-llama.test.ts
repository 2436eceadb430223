import { readFileSync } from "node:fs";
import { getLlama, type Llama, type LlamaGrammar } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonSchemaToGbnf } from "../../src/grammar/index.js";
import { type Gbnf, gbnfMatches, parseGbnf } from "../support/gbnf-match.js";
import { PATTERN_CASES } from "../support/gbnf-patterns.js";
import { randomSource, sampleGbnf } from "../support/gbnf-sample.js";

/** node-llama-cpp's own check of a text against a grammar, run by llama.cpp's matcher (no model needed). */
function llamaAccepts(grammar: LlamaGrammar, text: string): boolean {
  return (grammar as unknown as { _testText(text: string): boolean })._testText(text);
}

function shippedSchema(name: string): object {
  const { "x-palimpsest": _, ...schema } = JSON.parse(
    readFileSync(new URL(`../../schemas/${name}.json`, import.meta.url), "utf8"),
  );
  return schema;
}

/** Every construct the converter writes: chained optional properties, ranges, formats, patterns, recursion. */
const EVERYTHING = {
  type: "object",
  properties: {
    note: { type: ["string", "null"], maxLength: 12 },
    id: { type: "integer", minimum: -40, maximum: 1234 },
    when: { type: "string", format: "date-time" },
    day: { type: "string", format: "date" },
    tags: { type: "array", items: { enum: ["a", "é", "😀", 'q"uote'] }, minItems: 1, maxItems: 3 },
    score: { type: "number" },
    code: { type: "string", pattern: "^[A-Z]{2}-\\d{3}(?:[.][a-z]+)?$" },
    near: { type: "string", pattern: '[^\\u0000-\\u0008"]x{2,4}' },
    tree: { $ref: "#/$defs/node" },
    kind: { oneOf: [{ const: 1 }, { type: "string", minLength: 1 }] },
    clé: { const: { x: [1, null] } },
  },
  required: ["id", "tags"],
  additionalProperties: false,
  $defs: {
    node: {
      type: "object",
      properties: {
        v: { type: "boolean" },
        kids: { type: "array", items: { $ref: "#/$defs/node" }, maxItems: 2 },
      },
      required: ["v"],
    },
  },
};

/** Near misses of a text: a character dropped, added or doubled. */
function mutations(text: string, random: () => number): string[] {
  const chars = [...text];
  const at = Math.floor(random() * chars.length);
  const extra = ['"', ",", "}", " ", "a", "1", "\\", "é"][Math.floor(random() * 8)] as string;
  return [
    [...chars.slice(0, at), ...chars.slice(at + 1)].join(""),
    [...chars.slice(0, at), extra, ...chars.slice(at)].join(""),
    [...chars.slice(0, at + 1), ...chars.slice(at)].join(""),
  ];
}

describe("llama.cpp (node-llama-cpp 3.21.1) and the converter's grammars", () => {
  let llama: Llama;

  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: "never" });
  }, 60_000);

  afterAll(async () => {
    await llama?.dispose();
  });

  it.each([
    ["default", shippedSchema("default")],
    ["baptism-record", shippedSchema("baptism-record")],
    ["every construct", EVERYTHING],
  ])("parses the grammar of %s, and its matcher agrees with the test recognizer", async (_, schema) => {
    const text = jsonSchemaToGbnf(schema);
    const grammar = await llama.createGrammar({ grammar: text });
    const recognizer: Gbnf = parseGbnf(text);
    const random = randomSource(13);
    let accepted = 0;
    let checked = 0;
    for (let run = 0; run < 60; run++) {
      const sample = sampleGbnf(recognizer, random);
      for (const candidate of [sample, ...mutations(sample, random)]) {
        const expected = gbnfMatches(recognizer, candidate);
        expect(llamaAccepts(grammar, candidate), candidate).toBe(expected);
        if (expected) accepted++;
        checked++;
      }
    }
    expect(accepted).toBeGreaterThan(60);
    expect(accepted).toBeLessThan(checked);
  });

  it("parses the grammar of every pattern the pattern tests check, and matches as the recognizer does", async () => {
    for (const [pattern, alphabet] of PATTERN_CASES) {
      const text = jsonSchemaToGbnf({ type: "string", pattern });
      const grammar = await llama.createGrammar({ grammar: text });
      const recognizer = parseGbnf(text);
      for (const candidate of [...alphabet, alphabet, alphabet.slice(0, 2)].map((chars) =>
        JSON.stringify(chars),
      ))
        expect(llamaAccepts(grammar, candidate), `${pattern} on ${candidate}`).toBe(
          gbnfMatches(recognizer, candidate),
        );
    }
  });

  it("creates the shipped profiles' grammars in a few milliseconds", async () => {
    for (const name of ["default", "baptism-record"]) {
      const text = jsonSchemaToGbnf(shippedSchema(name));
      const started = performance.now();
      for (let run = 0; run < 20; run++) await llama.createGrammar({ grammar: text });
      expect((performance.now() - started) / 20).toBeLessThan(5);
    }
  });

  it("reads a repetition bound above 2000 as no bound, as the recognizer does: why bounds above 1000 are refused", async () => {
    const text = 'root ::= "a"{0,2500}\n';
    const grammar = await llama.createGrammar({ grammar: text });
    expect(llamaAccepts(grammar, "a".repeat(3000))).toBe(true);
    expect(gbnfMatches(parseGbnf(text), "a".repeat(3000))).toBe(true);
    await expect(llama.createGrammar({ grammar: 'root ::= ("a" "b"?){0,1500}\n' })).rejects.toThrow();
    expect(() => parseGbnf('root ::= ("a" "b"?){0,1500}\n')).toThrow(/too many repetitions/);
  });
});
