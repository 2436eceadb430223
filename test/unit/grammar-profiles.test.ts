import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { jsonSchemaToGbnf } from "../../src/grammar/index.js";
import { gbnfMatches, parseGbnf } from "../support/gbnf-match.js";
import { randomSource, sampleGbnf } from "../support/gbnf-sample.js";

type Json = Record<string, unknown>;

function shipped(name: string): { schema: Json; examples: { output: { entities: Json[] } }[] } {
  const file = new URL(`../../schemas/${name}.json`, import.meta.url);
  const { "x-palimpsest": metadata, ...schema } = JSON.parse(readFileSync(file, "utf8"));
  return { schema, examples: metadata.examples };
}

function validatorOf(schema: Json): (value: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (value) => validate(value) as boolean;
}

/** Text a model may copy from a document: quotes, backslashes, line breaks, old letters, emoji. */
const TEXT_CHARS = [
  ..."Jean Dupuis-Lemoine, sieur d'Aché.",
  '"',
  "\\",
  "\n",
  "\t",
  "ſ",
  "ﬁ",
  "Œ",
  "\u2028",
  "😀",
  "中",
];
const EDTF_DATES = [
  "1784",
  "1784-09",
  "1784-09-30",
  "1784?",
  "1784~",
  "1784%",
  "178X",
  "17XX",
  "1784-XX",
  "1784/1785",
  "1784/..",
  "../1785",
  "1784?/1786~",
];

function randomText(random: () => number, min: number): string {
  const length = min + Math.floor(random() * 12);
  return Array.from({ length }, () => TEXT_CHARS[Math.floor(random() * TEXT_CHARS.length)]).join("");
}

/**
 * A random valid item of one of the profile's item schemas: required properties always, optional ones
 * at random, values drawn from what each property allows.
 */
function randomItem(schema: Json, random: () => number): Json {
  const defs = schema.$defs as Record<string, Json>;
  const items = ((schema.properties as Json).entities as Json).items as Json;
  const variants = ((items.anyOf as Json[] | undefined) ?? [items]).map(
    (variant) => defs[(variant.$ref as string).split("/").at(-1) as string] as Json,
  );
  const variant = variants[Math.floor(random() * variants.length)] as Json;
  const item: Json = {};
  for (const [name, raw] of Object.entries(variant.properties as Record<string, Json>)) {
    if (!(variant.required as string[]).includes(name) && random() < 0.5) continue;
    const property = raw.$ref
      ? { ...(defs[(raw.$ref as string).split("/").at(-1) as string] as Json), ...raw }
      : raw;
    if ("const" in property) item[name] = property.const;
    else if (Array.isArray(property.enum))
      item[name] = property.enum[Math.floor(random() * property.enum.length)];
    else if (property.type === "boolean") item[name] = random() < 0.5;
    else if (typeof property.pattern === "string") {
      const pattern = new RegExp(property.pattern as string, "u");
      const dates = EDTF_DATES.filter((date) => pattern.test(date));
      item[name] = dates[Math.floor(random() * dates.length)];
    } else item[name] = randomText(random, (property.minLength as number | undefined) ?? 0);
  }
  return item;
}

describe.each(["default", "baptism-record"])("the grammar of the shipped profile %s", (name) => {
  const { schema, examples } = shipped(name);
  const grammar = parseGbnf(jsonSchemaToGbnf(schema));
  const accepts = (text: string): boolean => gbnfMatches(grammar, text);
  const valid = validatorOf(schema);

  it("accepts every example output as the prompt shows it (JSON.stringify)", () => {
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(accepts(JSON.stringify(example.output))).toBe(true);
  });

  it("accepts example items with their optional properties left out, alone or in any number", () => {
    const items = examples.flatMap((example) => example.output.entities);
    const bare = items.map(({ type, text }) => ({ type, text }));
    expect(accepts(JSON.stringify({ entities: bare }))).toBe(true);
    expect(accepts(JSON.stringify({ entities: [] }))).toBe(true);
    expect(accepts(JSON.stringify({ entities: [...items, ...bare, ...items] }))).toBe(true);
  });

  it("accepts random valid outputs: every subset of optional properties, text with quotes, line breaks and emoji", () => {
    const random = randomSource(7);
    for (let run = 0; run < 150; run++) {
      const output = {
        entities: Array.from({ length: Math.floor(random() * 4) }, () => randomItem(schema, random)),
      };
      expect(valid(output)).toBe(true);
      expect(accepts(JSON.stringify(output)), JSON.stringify(output)).toBe(true);
    }
  });

  it("produces only valid, compact JSON written as JSON.stringify writes it", () => {
    const random = randomSource(11);
    for (let run = 0; run < 300; run++) {
      const text = sampleGbnf(grammar, random);
      const value = JSON.parse(text);
      expect(valid(value), text).toBe(true);
      expect(JSON.stringify(value)).toBe(text);
    }
  });

  it("rejects what the schema rejects, and valid JSON in another form than JSON.stringify's", () => {
    const item = examples[0]?.output.entities[0] as Json;
    const { text: _, ...withoutText } = item;
    const rejected = [
      { entities: [null] },
      { entities: [{ ...item, type: "ship" }] },
      { entities: [withoutText] },
      { entities: [{ ...item, mayor: "x" }] },
      { entities: [{ ...item, text: "" }] },
      { entities: [item], extra: true },
      {},
    ];
    for (const output of rejected) {
      expect(valid(output)).toBe(false);
      expect(accepts(JSON.stringify(output)), JSON.stringify(output)).toBe(false);
    }
    const compact = JSON.stringify({ entities: [item] });
    expect(accepts(compact)).toBe(true);
    const reordered = JSON.stringify({ entities: [{ text: item.text, type: item.type }] });
    const spaced = [
      JSON.stringify({ entities: [item] }, null, 2),
      compact.replace(":", ": "),
      ` ${compact}`,
      `${compact}\n`,
    ];
    for (const text of [reordered, ...spaced]) {
      expect(valid(JSON.parse(text))).toBe(true);
      expect(accepts(text), text).toBe(false);
    }
  });
});

describe("the default profile's grammar", () => {
  const { schema } = shipped("default");
  const accepts = (value: unknown): boolean =>
    gbnfMatches(parseGbnf(jsonSchemaToGbnf(schema)), JSON.stringify(value));

  it("holds the date value to the EDTF pattern", () => {
    for (const value of EDTF_DATES)
      expect(accepts({ entities: [{ type: "date", text: "x", value }] })).toBe(true);
    for (const value of [
      "30/09/1784",
      "1784-13",
      "1784-09-32",
      "84",
      "1784 ?",
      "vers 1784",
      "1784/",
      "..",
      "1X84",
      "",
    ])
      expect(accepts({ entities: [{ type: "date", text: "x", value }] }), value).toBe(false);
  });

  it("checks enums per item type: a place kind is not an organization kind", () => {
    expect(accepts({ entities: [{ type: "place", text: "Rouen", kind: "city" }] })).toBe(true);
    expect(accepts({ entities: [{ type: "organization", text: "Rouen", kind: "city" }] })).toBe(false);
    expect(accepts({ entities: [{ type: "event", text: "Fête", kind: "other" }] })).toBe(false);
  });

  it("generates entities that are objects, never null or bare strings", () => {
    const grammar = parseGbnf(jsonSchemaToGbnf(schema));
    const random = randomSource(3);
    let items = 0;
    for (let run = 0; run < 200; run++) {
      const { entities } = JSON.parse(sampleGbnf(grammar, random)) as { entities: unknown[] };
      for (const entity of entities)
        expect(entity).toEqual(
          expect.objectContaining({ type: expect.any(String), text: expect.any(String) }),
        );
      items += entities.length;
    }
    expect(items).toBeGreaterThan(100);
  });
});
