import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { jsonSchemaToGbnf } from "../../src/grammar/index.js";
import { parseGbnf } from "../support/gbnf-match.js";
import { randomSource, sampleGbnf } from "../support/gbnf-sample.js";
import { languageOf } from "../support/gbnf-schema.js";

/** Whether the grammar accepts each value written by JSON.stringify. */
function acceptsValues(schema: object): (value: unknown) => boolean {
  const accepts = languageOf(schema);
  return (value) => accepts(JSON.stringify(value));
}

function validatorOf(schema: object): (value: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (value) => validate(value) as boolean;
}

/** Samples from the schema's grammar: each must parse, pass ajv, and (but for numbers) be what JSON.stringify writes. */
function expectSoundSamples(schema: object, runs = 200): unknown[] {
  const grammar = parseGbnf(jsonSchemaToGbnf(schema));
  const valid = validatorOf(schema);
  const random = randomSource(5);
  return Array.from({ length: runs }, () => {
    const text = sampleGbnf(grammar, random);
    const value = JSON.parse(text);
    expect(valid(value), text).toBe(true);
    if (!/[.e]/.test(text)) expect(JSON.stringify(value)).toBe(text);
    return value;
  });
}

function subsets<T>(items: readonly T[]): T[][] {
  const all: T[][] = [[]];
  for (const item of items) for (const subset of [...all]) all.push([...subset, item]);
  return all;
}

describe("objects", () => {
  const names = ["a", "b", "c", "d", "e"];

  it.each([[[]], [["a"]], [["c"]], [["e"]], [["b", "d"]], [["a", "e"]], [names]])(
    "with required %j, accept exactly the subsets holding them, in declared order",
    (required) => {
      const schema = {
        type: "object",
        properties: Object.fromEntries(names.map((name) => [name, { type: "integer" }])),
        required,
        additionalProperties: false,
      };
      const accepts = languageOf(schema);
      for (const subset of subsets(names)) {
        const text = JSON.stringify(Object.fromEntries(subset.map((name, index) => [name, index])));
        expect(accepts(text), text).toBe(required.every((name) => subset.includes(name)));
        if (subset.length > 1)
          expect(accepts(JSON.stringify(Object.fromEntries(subset.reverse().map((name) => [name, 0]))))).toBe(
            false,
          );
      }
      expect(accepts(JSON.stringify({ ...Object.fromEntries(names.map((name) => [name, 1])), f: 1 }))).toBe(
        false,
      );
    },
  );

  it("grows linearly with the number of optional properties", () => {
    const grammarFor = (count: number): string =>
      jsonSchemaToGbnf({
        type: "object",
        properties: Object.fromEntries(
          Array.from({ length: count }, (_, index) => [`p${index}`, { type: "boolean" }]),
        ),
        required: [`p${count - 1}`],
      });
    const [small, large] = [grammarFor(20), grammarFor(80)];
    expect(large.length / small.length).toBeLessThan(4.5);
    const accepts = languageOf({
      type: "object",
      properties: Object.fromEntries(
        Array.from({ length: 80 }, (_, index) => [`p${index}`, { type: "boolean" }]),
      ),
      required: ["p79"],
    });
    expect(accepts('{"p3":true,"p41":false,"p79":true}')).toBe(true);
    expect(accepts('{"p79":true}')).toBe(true);
    expect(accepts('{"p3":true,"p41":false}')).toBe(false);
  });

  it("generates only declared properties when others are allowed, and {} for an empty closed object", () => {
    const accepts = acceptsValues({ type: "object", properties: { a: { type: "string" } } });
    expect(accepts({ a: "x" })).toBe(true);
    expect(accepts({})).toBe(true);
    expect(accepts({ a: "x", b: 1 })).toBe(false);
    const empty = acceptsValues({ type: "object", additionalProperties: false });
    expect(empty({})).toBe(true);
    expect(empty({ a: 1 })).toBe(false);
  });

  it("writes non-ASCII and quoted property names as JSON does", () => {
    const accepts = acceptsValues({
      type: "object",
      properties: { "né le": { const: "ü" }, 'a"b\\c': { type: "null" }, "😀": { enum: ["中"] } },
      required: ["né le", 'a"b\\c', "😀"],
    });
    expect(accepts({ "né le": "ü", 'a"b\\c': null, "😀": "中" })).toBe(true);
    expect(accepts({ "ne le": "ü", 'a"b\\c': null, "😀": "中" })).toBe(false);
  });

  it("merges allOf members: properties of each, required of all, additionalProperties: false of a member excluding the others' properties", () => {
    const accepts = acceptsValues({
      allOf: [
        {
          type: "object",
          properties: { a: { type: "integer", minimum: 0 }, b: { type: "string" } },
          required: ["a"],
        },
        { properties: { a: { maximum: 9 }, c: { type: "boolean" } }, required: ["c"] },
        { properties: { a: true, c: true, b: true }, additionalProperties: false },
      ],
    });
    expect(accepts({ a: 3, c: true })).toBe(true);
    expect(accepts({ a: 3, b: "x", c: false })).toBe(true);
    expect(accepts({ a: 10, c: true })).toBe(false);
    expect(accepts({ a: 3 })).toBe(false);
    const closed = acceptsValues({
      allOf: [
        { type: "object", properties: { a: { type: "null" } }, additionalProperties: false },
        { properties: { b: { type: "null" } } },
      ],
    });
    expect(closed({ a: null })).toBe(true);
    expect(closed({ a: null, b: null })).toBe(false);
  });

  it("applies a schema-valued additionalProperties to the properties another allOf member declares", () => {
    const accepts = acceptsValues({
      allOf: [
        {
          type: "object",
          properties: { a: { type: "string" } },
          additionalProperties: { type: "string", maxLength: 2 },
        },
        { properties: { b: { type: "string" } }, required: ["b"] },
      ],
    });
    expect(accepts({ b: "xy" })).toBe(true);
    expect(accepts({ a: "long", b: "xy" })).toBe(true);
    expect(accepts({ b: "xyz" })).toBe(false);
  });
});

describe("arrays", () => {
  it.each([
    [0, undefined],
    [1, undefined],
    [0, 2],
    [2, 4],
    [3, 3],
    [0, 0],
  ])("minItems %s, maxItems %s", (minItems, maxItems) => {
    const accepts = acceptsValues({ type: "array", items: { type: "integer" }, minItems, maxItems });
    for (let count = 0; count <= 6; count++)
      expect(accepts(Array.from({ length: count }, (_, index) => index)), `${count} items`).toBe(
        count >= minItems && count <= (maxItems ?? Infinity),
      );
  });

  it("checks every item, and takes items: false as no items", () => {
    const accepts = acceptsValues({ type: "array", items: { enum: [1, "a"] } });
    expect(accepts([1, "a", 1])).toBe(true);
    expect(accepts([1, "b"])).toBe(false);
    const none = acceptsValues({ type: "array", items: false });
    expect(none([])).toBe(true);
    expect(none([1])).toBe(false);
  });
});

describe("strings", () => {
  it("counts length in code points, as ajv does", () => {
    const accepts = acceptsValues({ type: "string", minLength: 2, maxLength: 3 });
    for (const [text, ok] of [
      ["a", false],
      ["ab", true],
      ["😀😀😀", true],
      ["😀😀😀😀", false],
      ['"\\', true],
      ["\n\n\n\n", false],
    ] as const)
      expect(accepts(text), text).toBe(ok);
  });

  it("accepts JSON.stringify's escapes and nothing else", () => {
    const accepts = languageOf({ type: "string" });
    for (const text of ["", 'say "hi"', "a\\b", "line\nbreak\ttab\r\b\f", "é中😀\u2028"])
      expect(accepts(JSON.stringify(text)), text).toBe(true);
    for (const text of ['"\n"', '"\\u0041"', '"\\/"', '"\\x"', '"a"b"', '"\\"', "'a'", '"\u007f"'])
      expect(accepts(text), text).toBe(false);
  });
});

describe("enum and const", () => {
  it("accept any JSON value, written as JSON.stringify writes it", () => {
    const values = [null, true, 0, -1.5, 1e21, 'é"\\\n😀', [], [1, [2]], { a: { b: [null] } }, {}];
    const accepts = acceptsValues({ enum: values });
    for (const value of values) expect(accepts(value), JSON.stringify(value)).toBe(true);
    for (const value of [false, 1, "e", [1], { a: {} }, { b: 1 }]) expect(accepts(value)).toBe(false);
    expect(acceptsValues({ const: { x: [1, "ü"] } })({ x: [1, "ü"] })).toBe(true);
  });

  it("keep only the values that pass type, length, pattern and bounds beside them", () => {
    const accepts = acceptsValues({
      anyOf: [
        { type: "string", enum: ["a", "bb", "ccc", 1], minLength: 2, pattern: "^[ab]" },
        { type: "integer", enum: [1, 5, 10, 1.5, "x"], exclusiveMinimum: 1, maximum: 5 },
      ],
    });
    for (const [value, ok] of [
      ["bb", true],
      ["a", false],
      ["ccc", false],
      [5, true],
      [1, false],
      [10, false],
      [1.5, false],
      ["x", false],
    ] as const)
      expect(accepts(value), String(value)).toBe(ok);
  });

  it("intersect across allOf, comparing objects whatever their key order", () => {
    const accepts = acceptsValues({
      allOf: [{ enum: [{ a: 1, b: 2 }, "x", "y"] }, { enum: [{ b: 2, a: 1 }, "y"] }],
    });
    expect(accepts({ a: 1, b: 2 })).toBe(true);
    expect(accepts("y")).toBe(true);
    expect(accepts("x")).toBe(false);
  });
});

describe("anyOf, oneOf and type lists", () => {
  it("type lists and anyOf are unions, each branch with its own keywords", () => {
    const accepts = acceptsValues({ type: ["string", "null"], maxLength: 1 });
    expect(accepts(null)).toBe(true);
    expect(accepts("a")).toBe(true);
    expect(accepts("ab")).toBe(false);
    const either = acceptsValues({
      type: "object",
      properties: { kind: { type: "string" } },
      required: ["kind"],
      anyOf: [
        { properties: { kind: { const: "x" }, x: { type: "integer" } } },
        { properties: { kind: { const: "y" } } },
      ],
    });
    expect(either({ kind: "x", x: 1 })).toBe(true);
    expect(either({ kind: "y" })).toBe(true);
    expect(either({ kind: "z" })).toBe(false);
  });

  it("oneOf with branches told apart by a const, a type or a property the other forbids", () => {
    const accepts = acceptsValues({
      oneOf: [
        { type: "object", properties: { t: { const: "a" } }, required: ["t"] },
        { type: "object", properties: { t: { const: "b" }, n: { type: "integer" } }, required: ["t", "n"] },
        { type: "string" },
        { type: "object", properties: { u: { type: "null" } }, required: ["u"], additionalProperties: false },
      ],
    });
    expect(accepts({ t: "a" })).toBe(true);
    expect(accepts({ t: "b", n: 1 })).toBe(true);
    expect(accepts("s")).toBe(true);
    expect(accepts({ u: null })).toBe(true);
    expect(accepts({ t: "b" })).toBe(false);
    expect(accepts(1)).toBe(false);
  });
});

describe("$ref", () => {
  it("follows #/$defs and #/definitions, with sibling keywords applying too", () => {
    const accepts = acceptsValues({
      type: "object",
      properties: {
        a: { $ref: "#/$defs/word", description: "ignored", maxLength: 3 },
        b: { $ref: "#/definitions/n~1m" },
        c: { $ref: "#/properties/b" },
      },
      required: ["a", "b", "c"],
      $defs: { word: { type: "string", minLength: 2 } },
      definitions: { "n/m": { type: "integer", minimum: 1 } },
    });
    expect(accepts({ a: "ab", b: 1, c: 2 })).toBe(true);
    expect(accepts({ a: "a", b: 1, c: 2 })).toBe(false);
    expect(accepts({ a: "abcd", b: 1, c: 2 })).toBe(false);
    expect(accepts({ a: "ab", b: 0, c: 2 })).toBe(false);
  });

  it("handles recursive schemas, through $defs and through the root", () => {
    const tree = acceptsValues({
      $ref: "#/$defs/node",
      $defs: {
        node: {
          type: "object",
          properties: {
            name: { type: "string" },
            children: { type: "array", items: { $ref: "#/$defs/node" } },
          },
          required: ["name"],
          additionalProperties: false,
        },
      },
    });
    expect(
      tree({
        name: "a",
        children: [
          { name: "b", children: [{ name: "c" }] },
          { name: "d", children: [] },
        ],
      }),
    ).toBe(true);
    expect(tree({ name: "a", children: [{ children: [] }] })).toBe(false);
    const list = acceptsValues({ type: ["array", "integer"], items: { $ref: "#" } });
    expect(list([1, [2, [[3]]], []])).toBe(true);
    expect(list([1, ["x"]])).toBe(false);
    expectSoundSamples({ type: ["array", "integer"], items: { $ref: "#" } });
  });
});

describe("oneOf in a recursive schema", () => {
  it("compares the branches once, even when telling them apart goes through the recursion", () => {
    const accepts = acceptsValues({
      $ref: "#/$defs/node",
      $defs: {
        node: {
          oneOf: [
            { type: "null" },
            {
              type: "object",
              properties: { next: { $ref: "#/$defs/node" }, k: { const: "a" } },
              required: ["next", "k"],
              additionalProperties: false,
            },
            {
              type: "object",
              properties: { next: { $ref: "#/$defs/node" }, k: { const: "b" } },
              required: ["next", "k"],
              additionalProperties: false,
            },
          ],
        },
      },
    });
    expect(accepts({ next: { next: null, k: "b" }, k: "a" })).toBe(true);
    expect(accepts({ next: { next: null, k: "c" }, k: "a" })).toBe(false);
  });
});

describe("numbers", () => {
  it.each([
    [0, 9],
    [-5, 5],
    [7, 123],
    [-1000, -10],
    [95, 1005],
    [-12, undefined],
    [undefined, 42],
    [1, 1],
    [10, 99],
  ])(
    "integers from %s to %s: exactly the values in range, as JSON.stringify writes them",
    (minimum, maximum) => {
      const accepts = languageOf({ type: "integer", minimum, maximum });
      for (let value = -1100; value <= 1100; value++)
        expect(accepts(String(value)), String(value)).toBe(
          value >= (minimum ?? -Infinity) && value <= (maximum ?? Infinity),
        );
      for (const text of ["-0", "01", "+1", "1.0", "1e1", " 1"]) expect(accepts(text), text).toBe(false);
    },
  );

  it("integers: random bounds, exclusive and fractional ones included, against every value near them", () => {
    const random = randomSource(21);
    for (let run = 0; run < 40; run++) {
      const low = Math.floor(random() * 4000) - 2000;
      const high = low + Math.floor(random() * 3000);
      const schema = { type: "integer", exclusiveMinimum: low + 0.5, exclusiveMaximum: high };
      const accepts = languageOf(schema);
      for (const value of [
        low - 1,
        low,
        low + 1,
        low + 2,
        high - 1,
        high,
        high + 1,
        Math.round((low + high) / 2),
      ])
        expect(accepts(String(value)), `${value} in ${JSON.stringify(schema)}`).toBe(
          value > low + 0.5 && value < high,
        );
    }
  });

  it("integers with no bounds stay exact in a double; numbers are finite", () => {
    const integers = languageOf({ type: "integer" });
    expect(integers("-9007199254740991")).toBe(true);
    expect(integers("12345678901234567")).toBe(false);
    const numbers = languageOf({ type: "number" });
    for (const value of [0, -1.25, 3e8, 6.02e23, 1e21, 1e-7, -2.5e-8, 0.1, 123456.789])
      expect(numbers(JSON.stringify(value)), String(value)).toBe(true);
    for (const text of ["-0", "01", "1.", ".5", "+1", "1e999", "1e+100", "NaN", "1e", "1.50", "1E+5"])
      expect(numbers(text), text).toBe(false);
    expectSoundSamples({ type: "number" });
  });

  it("booleans and null", () => {
    const accepts = languageOf({ type: ["boolean", "null"] });
    expect(["true", "false", "null"].every(accepts)).toBe(true);
    expect(["True", "0", '"true"', "nul"].some(accepts)).toBe(false);
  });
});

describe("formats, exactly as ajv-formats checks them", () => {
  const ajv = new Ajv2020();
  addFormats.default(ajv);

  it("date: every day of every month, leap years by the Gregorian rules", () => {
    const accepts = languageOf({ type: "string", format: "date" });
    const valid = ajv.compile({ type: "string", format: "date" });
    for (const year of ["0000", "0004", "1700", "1784", "1900", "2000", "2023", "2024", "2100", "2400"])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++) {
          const date = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
          expect(accepts(JSON.stringify(date)), date).toBe(valid(date));
        }
  });

  it("time and date-time: offsets, fractions and separators", () => {
    const samples = [
      "12:34:56Z",
      "23:59:59.999+01:00",
      "00:00:00z",
      "12:00:00+0100",
      "12:00:00-05",
      "24:00:00Z",
      "12:60:00Z",
      "12:00:00",
      "12:00:00+24:00",
      "12:00:00+01:60",
      "12:00Z",
      "1:00:00Z",
    ];
    for (const format of ["time", "date-time"] as const) {
      const accepts = languageOf({ type: "string", format });
      const valid = ajv.compile({ type: "string", format });
      for (const time of samples)
        for (const value of format === "time"
          ? [time]
          : [`2024-02-29T${time}`, `2023-02-29t${time}`, `1784-03-27 ${time}`, `1784-03-27${time}`])
          expect(accepts(JSON.stringify(value)), value).toBe(valid(value));
    }
    expectSoundSamples({ type: "string", format: "date-time" });
  });
});

describe("annotations", () => {
  it("are ignored, vendor keywords included", () => {
    const annotated = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "https://example.org/s.json",
      $comment: "c",
      title: "t",
      description: "d",
      examples: ["x"],
      default: "x",
      deprecated: true,
      readOnly: false,
      "x-palimpsest": { anything: 1 },
      type: "string",
    };
    expect(jsonSchemaToGbnf(annotated)).toBe(jsonSchemaToGbnf({ type: "string" }));
  });
});
