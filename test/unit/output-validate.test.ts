import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateOutput } from "../../src/pipeline/extract/validate-output.js";
import { compileProfile } from "../../src/profiles/compile.js";
import { builtinProfilesDir } from "../../src/profiles/registry.js";

const load = (name: string) =>
  compileProfile(name, JSON.parse(readFileSync(join(builtinProfilesDir(), `${name}.json`), "utf8")));
const named = load("default");
const baptism = load("baptism-record");

describe("validateOutput", () => {
  it("keeps the valid items and reports each invalid one with its position and readable errors", () => {
    const entities = [
      { type: "person", text: "M. Jean Dupuis", title: "M." },
      { type: "date", text: "le 3 mai 1790", value: "3 mai 1790" },
      { type: "place", text: "Rouen", kind: "city" },
      { type: "ville", text: "Paris" },
    ];
    expect(validateOutput(named, { entities })).toEqual({
      items: [entities[0], entities[2]],
      invalid: [
        {
          index: 1,
          item: entities[1],
          errors: [
            expect.stringMatching(/^"value" is not in the expected format: EDTF date.*\(got "3 mai 1790"\)$/),
          ],
        },
        {
          index: 3,
          item: entities[3],
          errors: [
            '"type" must be one of: "person", "place", "organization", "date", "work", "event" (got "ville")',
          ],
        },
      ],
      errors: [],
    });
  });

  it("accepts an empty answer and ignores extra top-level fields", () => {
    expect(validateOutput(named, { entities: [], language: "fr" })).toEqual({
      items: [],
      invalid: [],
      errors: [],
    });
  });

  it.each([
    [[{ type: "person", text: "Jean" }], '(got [{"type":"person","text":"Jean"}])'],
    [{ people: [] }, '(got {"people":[]})'],
    [{ entities: "Jean" }, '(got {"entities":"Jean"})'],
    [null, "(got null)"],
  ])("reports an answer without an entities array: %j", (value, got) => {
    expect(validateOutput(named, value)).toEqual({
      items: [],
      invalid: [],
      errors: [`the answer must be an object {"entities": [...]} ${got}`],
    });
  });

  it("names the fields of a custom profile's items", () => {
    const result = validateOutput(baptism, {
      entities: [
        { type: "baptism", text: "Marie", sex: "F", father: "", godparents: ["Jean"] },
        { type: "baptism", text: "Jean", baptism_date: "1790-05-03", mother: "Anne Leroy" },
      ],
    });
    expect(result.items).toEqual([
      { type: "baptism", text: "Jean", baptism_date: "1790-05-03", mother: "Anne Leroy" },
    ]);
    expect(result.invalid[0]?.errors).toEqual([
      expect.stringMatching(/^the item has an unknown field "godparents" \(allowed: type, text, sex, /),
      '"sex" must be one of: "male", "female" (got "F")',
      '"father" must not be empty',
    ]);
  });
});
