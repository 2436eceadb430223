import { describe, expect, it } from "vitest";
import { describeProblem, jsonSchemaToGbnf, UnsupportedSchemaError } from "../../src/grammar/index.js";
import { refusalOf } from "../support/gbnf-schema.js";

/** An object whose one property has the schema under test, at #/properties/p. */
const property = (schema: unknown): object => ({
  type: "object",
  properties: { p: schema },
  required: ["p"],
});

describe("keywords the grammar cannot honour are refused, with where and why", () => {
  it.each([
    [
      { type: "array", items: { type: "string" }, uniqueItems: true },
      "uniqueItems",
      "unique items cannot be enforced while generating",
    ],
    [
      { type: "array", prefixItems: [{ type: "string" }] },
      "prefixItems",
      "tuples are not generated: use items",
    ],
    [
      { type: "array", items: { type: "string" }, contains: { const: "a" } },
      "contains",
      "counting matching items cannot be enforced while generating",
    ],
    [{ not: { type: "null" } }, "not", "a value that does not match a schema cannot be generated"],
    [
      // biome-ignore lint/suspicious/noThenProperty: "then" is the JSON Schema keyword under test
      { type: "string", if: { minLength: 2 }, then: { maxLength: 3 } },
      "if",
      "conditional schemas cannot be generated: write the cases as anyOf branches",
    ],
    [
      { type: "object", properties: { a: { type: "string" } }, patternProperties: { "^x": {} } },
      "patternProperties",
      "properties matched by name patterns are not generated: declare them in properties",
    ],
    [
      { type: "object", properties: { a: { type: "string" } }, minProperties: 1 },
      "minProperties",
      "a number of properties is not enforced: use required",
    ],
    [
      { type: "object", properties: { a: { type: "string" } }, dependentRequired: { a: ["b"] } },
      "dependentRequired",
      "dependencies between properties are not generated: use anyOf branches",
    ],
    [{ type: "integer", multipleOf: 5 }, "multipleOf", "multiples are not enforced while generating"],
    [
      { type: "number", minimum: 0 },
      "minimum",
      'bounds are enforced on integers only: use "type": "integer", or drop the bound',
    ],
    [
      { type: "integer", maximum: 1e300 },
      "maximum",
      `integer bounds must lie within ±${Number.MAX_SAFE_INTEGER}`,
    ],
    [
      { type: "string", format: "email" },
      "format",
      'format "email" cannot be generated (supported: date, time, date-time); use a pattern',
    ],
    [
      { type: "integer", format: "int32" },
      "format",
      "formats of numbers are not enforced: use minimum and maximum on an integer",
    ],
    [
      { type: "string", maxLength: 5000 },
      "maxLength",
      "5000 is above 1000, the largest count the grammar expands",
    ],
    [
      { type: "array", items: { type: "string" }, minItems: 1001 },
      "minItems",
      "1001 is above 1000, the largest count the grammar expands",
    ],
    [
      { type: "string", pattern: "^[0-9]+$", maxLength: 4 },
      "maxLength",
      "the pattern allows any number of characters: put the length in the pattern instead",
    ],
    [
      { type: "string", format: "date", minLength: 11 },
      "minLength",
      "the format allows 10 characters: put the length in the format instead",
    ],
    [
      { type: "string", pattern: "a", format: "date" },
      "format",
      "format and pattern together are not supported: keep one",
    ],
    [
      { enum: ["a", "b"], format: "date" },
      "format",
      "beside enum or const, list only values that satisfy it instead",
    ],
    [
      { type: "object", additionalProperties: { type: "string" } },
      "properties",
      "free-form objects cannot be generated: declare the object's properties",
    ],
    [{ type: "array" }, "items", "an array needs an items schema saying what its items are"],
    [
      { description: "anything" },
      "type",
      "say which type of value this is (type): any JSON value cannot be generated",
    ],
    [
      { minLength: 1, items: { type: "string" } },
      "type",
      'keywords for several types of value (string, array) without a type: add "type"',
    ],
    [
      { type: "object", properties: { a: { type: "string" } }, unevaluatedProperties: false },
      "unevaluatedProperties",
      "use additionalProperties: false instead",
    ],
    [{ type: "string", nullable: true }, "nullable", "unknown keyword: the grammar cannot honour it"],
    [
      { $ref: "other.json#/x" },
      "$ref",
      '"other.json#/x": only references within the schema ("#/...") are followed',
    ],
    [
      { $ref: "#node" },
      "$ref",
      '"#node": references to $anchor names are not followed; use a JSON Pointer such as "#/$defs/name"',
    ],
    [{ $ref: "#/$defs/missing" }, "$ref", '"#/$defs/missing" points to no schema'],
    [
      { $id: "https://example.org/p", type: "string" },
      "$id",
      "an $id below the root changes how references resolve: move the schema to $defs without it",
    ],
  ])("%j is refused at its keyword", (schema, keyword, message) => {
    expect(refusalOf(property(schema))).toContainEqual({ pointer: "/properties/p", keyword, message });
  });

  it("refuses a second pattern or format met through allOf, where it is", () => {
    expect(
      refusalOf(
        property({
          allOf: [
            { type: "string", pattern: "a" },
            { pattern: "b", format: "date" },
          ],
        }),
      ),
    ).toEqual([
      {
        pointer: "/properties/p/allOf/1",
        keyword: "pattern",
        message: "a string may have one pattern: combine them into one",
      },
      {
        pointer: "/properties/p/allOf/1",
        keyword: "format",
        message: "format and pattern together are not supported: keep one",
      },
    ]);
  });

  it("refuses a oneOf whose branches may both match a value, and a reference loop", () => {
    expect(refusalOf(property({ oneOf: [{ type: "string" }, { type: "string", maxLength: 3 }] }))).toEqual([
      {
        pointer: "/properties/p",
        keyword: "oneOf",
        message:
          "branches 0 and 1 may both match one value: make them exclusive (e.g. a required property with a different const in each) or use anyOf",
      },
    ]);
    const loop = {
      $ref: "#/$defs/a",
      $defs: { a: { $ref: "#/$defs/b" }, b: { allOf: [{ $ref: "#/$defs/a" }] } },
    };
    expect(refusalOf(loop)).toEqual([
      {
        pointer: "/$defs/a",
        keyword: "$ref",
        message: "circular reference: only a property or an item may refer back to its own schema",
      },
    ]);
  });

  it("lists every problem at once, each where it is, in a typed error", () => {
    const schema = {
      type: "object",
      properties: {
        entities: { type: "array", items: { $ref: "#/$defs/item" }, uniqueItems: true },
        note: { type: "string", pattern: "(?=x)" },
      },
      $defs: {
        item: {
          type: "object",
          properties: { n: { type: "integer", multipleOf: 2 }, m: { $ref: "#/$defs/item/properties/n" } },
        },
      },
    };
    let caught: unknown;
    try {
      jsonSchemaToGbnf(schema);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnsupportedSchemaError);
    const { problems, message } = caught as UnsupportedSchemaError;
    expect(problems.map(describeProblem)).toEqual([
      "#/properties/entities/uniqueItems: unique items cannot be enforced while generating",
      "#/$defs/item/properties/n/multipleOf: multiples are not enforced while generating",
      "#/properties/note/pattern: lookaround assertions are not supported (at character 1 of the pattern)",
    ]);
    expect(message).toBe(
      `The schema cannot be turned into a grammar:\n- ${problems.map(describeProblem).join("\n- ")}`,
    );
  });

  it("refuses more than 256 combinations of branches, at the keyword that makes them", () => {
    const choice = {
      anyOf: [{ type: "string" }, { type: "integer" }, { type: "null" }, { type: "boolean" }],
    };
    expect(refusalOf(property({ allOf: [choice, choice, choice, choice, choice] }))).toEqual([
      {
        pointer: "/properties/p",
        keyword: "allOf",
        message: "more than 256 combinations of anyOf/oneOf branches",
      },
    ]);
  });

  it("refuses a schema no value satisfies", () => {
    expect(refusalOf({ allOf: [{ type: "string" }, { type: "integer" }] })).toEqual([
      { pointer: "", keyword: "type", message: "no JSON value satisfies the schema" },
    ]);
  });
});

describe("what is not refused", () => {
  it.each([
    [{ type: "array", items: { type: "string" }, uniqueItems: false }],
    [{ type: "object", properties: { a: { type: "string" } }, unevaluatedProperties: true }],
    [{ type: "object", properties: { a: { type: "string" } }, additionalProperties: true }],
    [{ type: "string", pattern: "^[0-9]{4}$", minLength: 4, maxLength: 4 }],
    [{ type: "string", format: "date", maxLength: 10 }],
    [{ enum: ["ab", "c"], minLength: 2 }],
    [{ type: "integer", minimum: 0.5, exclusiveMaximum: 10.5 }],
  ])("%j", (schema) => {
    expect(() => jsonSchemaToGbnf(property(schema))).not.toThrow();
  });

  it("a oneOf over an unused, refused $defs entry: only what the grammar reaches matters", () => {
    expect(() => jsonSchemaToGbnf({ type: "boolean", $defs: { unused: { not: {} } } })).not.toThrow();
  });
});
