/**
 * No profile can stall the process: patterns run on RE2 (linear time) with ECMAScript's meaning,
 * schemas too deep, too large or too costly to validate are refused before compiling, and a model's
 * overlong strings are rejected before validation. A backtracking engine would hang these tests
 * (vitest's timeout fails them), not slow them.
 */
import { describe, expect, it } from "vitest";
import { isPalimpsestError } from "../../src/errors.js";
import { compileProfile } from "../../src/profiles/compile.js";
import { linearRegExp } from "../../src/profiles/linear-regexp.js";
import { loadProfiles } from "../../src/profiles/registry.js";
import { DEFAULT_SCHEMA_LIMITS } from "../../src/profiles/schema-limits.js";

const EVIL = `${"a".repeat(40)}!`;

/** A profile whose item has a `code` attribute with `codeSchema`, and one example. */
function profile(codeSchema: object, example?: { text: string; code: string }, extra: object = {}) {
  return {
    title: "Codes",
    type: "object",
    required: ["entities"],
    properties: {
      entities: {
        type: "array",
        items: {
          type: "object",
          required: ["type", "text"],
          properties: { type: { const: "code" }, text: { type: "string" }, code: codeSchema },
        },
      },
    },
    ...extra,
    "x-palimpsest": {
      version: "1.0.0",
      ...(example
        ? { examples: [{ text: example.text, output: { entities: [{ type: "code", ...example }] } }] }
        : {}),
    },
  };
}

function refusal(schema: unknown, limits = DEFAULT_SCHEMA_LIMITS): { code: string; message: string } {
  try {
    compileProfile("custom", schema, limits);
  } catch (error) {
    if (isPalimpsestError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("the profile was accepted");
}

describe("patterns", () => {
  it("checks an example against ^(a+)+$ in linear time, and refuses it for not matching", () => {
    const { code, message } = refusal(
      profile({ type: "string", pattern: "^(a+)+$" }, { text: EVIL, code: EVIL }),
    );
    expect(code).toBe("INVALID_PROFILE");
    expect(message).toContain('example 1: "entities/0/code" is not in the expected format');
  });

  it("validates a model's item against ^(a+)+$ in linear time", () => {
    const compiled = compileProfile("custom", profile({ type: "string", pattern: "^(a+)+$" }));
    expect(compiled.validateItem({ type: "code", text: "x", code: "a".repeat(4000) })).toEqual([]);
    expect(compiled.validateItem({ type: "code", text: "x", code: `${"a".repeat(4000)}!` })[0]).toContain(
      '"code" is not in the expected format',
    );
  });

  it.each([
    ["a backreference", "^(a)\\1$", "backreferences are not supported"],
    ["a lookahead", "^(?=a)a$", "lookaround assertions are not supported"],
    ["a lookbehind", "(?<!b)a", "lookaround assertions are not supported"],
    ["a repetition RE2 cannot count", "^a{2000}$", "invalid repeat count"],
  ])("refuses %s at load, naming the pattern", (_label, pattern, reason) => {
    const { code, message } = refusal(profile({ type: "string", pattern }));
    expect(code).toBe("INVALID_PROFILE");
    expect(message).toContain(`pattern ${JSON.stringify(pattern)} cannot be used: ${reason}`);
  });

  it("runs patternProperties on the same engine", () => {
    const engine = refusal(profile({ type: "object", patternProperties: { "^(x)\\1$": {} } }));
    expect(engine.message).toContain("backreferences are not supported");
  });

  // RE2's own \s, "." and $ differ from ECMAScript's: the pattern's meaning must be ECMAScript's.
  it.each([
    ["\\s", "\u00a0"],
    ["\\s", "\u2003"],
    ["\\s", "\v"],
    ["^.$", "\r"],
    ["^.$", "\u2028"],
    ["^.$", "😀"],
    ["^a$", "a\n"],
    ["^[^a]$", "😀"],
    ["^\\u{1F600}$", "😀"],
    ["^\\d+$", "١٢٣"],
    ["^\\w+$", "é"],
    ["^a|b$", "xb"],
    ["^(?:ab){2,3}$", "abababab"],
    ["^[\\-a-c]+$", "-b"],
    ["^\\x41\\cJ$", "A\n"],
    ["^(?<year>\\d{4})-\\d{2}$", "1784-05"],
  ])("reads %s as ECMAScript does on %j", (pattern, text) => {
    expect(linearRegExp(pattern).test(text)).toBe(new RegExp(pattern, "u").test(text));
  });
});

describe("limits checked before compiling", () => {
  it("refuses a 3,000-deep allOf with SCHEMA_MAX_DEPTH", () => {
    let node: object = { type: "string" };
    for (let depth = 0; depth < 3000; depth++) node = { allOf: [node] };
    const { code, message } = refusal(profile(node));
    expect(code).toBe("INVALID_PROFILE");
    expect(message).toContain("more than 64 levels deep (SCHEMA_MAX_DEPTH)");
  });

  it("refuses 20,000 anyOf branches with SCHEMA_MAX_NODES", () => {
    const branches = Array.from({ length: 20_000 }, (_, index) => ({ const: `code ${index}` }));
    const { code, message } = refusal(profile({ anyOf: branches }));
    expect(code).toBe("INVALID_PROFILE");
    expect(message).toContain("more than 1000 JSON values (SCHEMA_MAX_NODES)");
  });

  it("refuses a schema over SCHEMA_MAX_BYTES with PAYLOAD_TOO_LARGE", () => {
    const { code, message } = refusal(profile({ type: "string", description: "x".repeat(1024 * 1024) }));
    expect(code).toBe("PAYLOAD_TOO_LARGE");
    expect(message).toContain("SCHEMA_MAX_BYTES");
  });

  it("refuses definitions that double at each reference, though the text is small", () => {
    const defs = Object.fromEntries(
      Array.from({ length: 30 }, (_, index) => [
        `d${index}`,
        index === 29
          ? { type: "string" }
          : { anyOf: [{ $ref: `#/$defs/d${index + 1}` }, { $ref: `#/$defs/d${index + 1}` }] },
      ]),
    );
    const { code, message } = refusal(profile({ $ref: "#/$defs/d0" }, undefined, { $defs: defs }));
    expect(code).toBe("INVALID_PROFILE");
    expect(message).toContain('with each "$ref" counted as its target');
  });

  it.each([
    [
      "through $defs",
      { $ref: "#/$defs/part" },
      { part: { type: "object", properties: { of: { $ref: "#/$defs/part" } } } },
    ],
    ["through the root", { $ref: "#" }, {}],
  ])("refuses a recursive schema (%s), whose cost grows with the data", (_label, code, defs) => {
    const refused = refusal(profile(code, undefined, { $defs: defs }));
    expect(refused.code).toBe("INVALID_PROFILE");
    expect(refused.message).toContain("recursive schemas are not accepted");
  });

  it("refuses references it cannot count: an $id below the root, an anchor", () => {
    expect(refusal(profile({ $id: "urn:code", type: "string" })).message).toContain(
      '"$id": "urn:code" below the root',
    );
    expect(refusal(profile({ $ref: "#code" })).message).toContain("$anchor names are not followed");
  });

  it("loads the shipped profiles under the default limits", async () => {
    const registry = await loadProfiles([], DEFAULT_SCHEMA_LIMITS);
    expect(registry.list().map((loaded) => loaded.name)).toEqual(["baptism-record", "default"]);
  });
});

describe("strings of a model's item", () => {
  const compiled = compileProfile("custom", profile({ type: "string", format: "date" }), {
    ...DEFAULT_SCHEMA_LIMITS,
    outputMaxStringLength: 100,
  });

  it("rejects one over OUTPUT_MAX_STRING_LENGTH before validation, naming the field", () => {
    expect(compiled.validateItem({ type: "code", text: "x", code: "1".repeat(212) })).toEqual([
      '"code" is 212 characters long, more than the 100 allowed (OUTPUT_MAX_STRING_LENGTH)',
    ]);
  });

  it("finds it however deep the model nested it", () => {
    let nested: unknown = "z".repeat(101);
    for (let depth = 0; depth < 100_000; depth++) nested = [nested];
    expect(compiled.validateItem({ type: "code", text: "x", deep: nested })[0]).toMatch(
      /^"deep\/0\/0\/.*\/0" is 101 characters long/,
    );
  });

  it("lets shorter ones meet the schema", () => {
    expect(compiled.validateItem({ type: "code", text: "x", code: "1784-05-12" })).toEqual([]);
  });
});
