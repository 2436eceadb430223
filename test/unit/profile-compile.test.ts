import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isPalimpsestError } from "../../src/errors.js";
import { compileProfile } from "../../src/profiles/compile.js";
import { builtinProfilesDir } from "../../src/profiles/registry.js";

const shipped = (name: string): unknown =>
  JSON.parse(readFileSync(join(builtinProfilesDir(), `${name}.json`), "utf8"));

/** A small valid profile that each test breaks in one way. */
// biome-ignore lint/suspicious/noExplicitAny: each test reshapes a different corner of the schema
function minimal(): Record<string, any> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Minimal",
    type: "object",
    required: ["entities"],
    properties: {
      entities: {
        type: "array",
        items: {
          type: "object",
          required: ["type", "text"],
          properties: {
            type: { enum: ["ship", "port"] },
            text: { type: "string" },
            crew: { type: "array", items: { type: "string" } },
            tons: { type: "integer" },
          },
        },
      },
    },
    "x-palimpsest": { version: "1" },
  };
}

function problemsOf(schema: unknown, name = "custom"): string[] {
  try {
    compileProfile(name, schema);
  } catch (error) {
    if (isPalimpsestError(error) && error.code === "INVALID_PROFILE") {
      expect(error.message).toMatch(new RegExp(`^Profile "${name}" is invalid:\\n- `));
      return error.details?.problems as string[];
    }
    throw error;
  }
  throw new Error("the profile was accepted");
}

describe("the shipped profiles", () => {
  it("default compiles, with its types, verbatim pointers and examples", () => {
    const profile = compileProfile("default", shipped("default"));
    expect(profile.title).toBe("Named entities");
    expect(profile.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(profile.itemTypes).toEqual(["person", "place", "organization", "date", "work", "event"]);
    expect(profile.verbatimPaths).toEqual(["/text"]);
    expect(profile.derived).toEqual({ "/value": "/text" });
    expect(profile.examples.map((example) => example.language)).toEqual(["fr", "en"]);
    expect(profile.exampleMentions).toContain("M. Jean Dupuis");
    expect(profile.exampleMentions).toContain("Queen Victoria");
    expect(profile.schema).not.toHaveProperty("x-palimpsest");
    expect(profile.schema.type).toBe("object");
  });

  it("baptism-record compiles, grounding the names of everyone in the entry", () => {
    const profile = compileProfile("baptism-record", shipped("baptism-record"));
    expect(profile.itemTypes).toEqual(["baptism"]);
    expect(profile.verbatimPaths).toEqual([
      "/text",
      "/father",
      "/mother",
      "/godfather",
      "/godmother",
      "/priest",
      "/parish",
    ]);
    expect([...profile.exampleMentions]).toEqual(
      expect.arrayContaining(["Jean Baptiste", "Pierre Le Roy", "Marie Anne Duval", "Marguerite Le Roy"]),
    );
    const item = profile.examples[0]?.output.entities[0];
    expect(profile.validateItem(item)).toEqual([]);
    expect(profile.validateItem({ ...item, baptism_date: "27 mars 1784", legitimate: "oui" })).toEqual([
      '"baptism_date" is not in the expected format: EDTF date such as 1784-03-27, 1784-03-XX or 1784? (got "27 mars 1784")',
      '"legitimate" must be true or false (got "oui")',
    ]);
  });
});

describe("the default profile's items", () => {
  const profile = compileProfile("default", shipped("default"));

  it.each([
    "1784",
    "1784-09",
    "1784-09-30",
    "1784?",
    "1784~",
    "1784%",
    "178X",
    "17XX",
    "1784-XX",
    "1784-09-XX",
    "1784/1785",
    "1784-09/1785-02-28",
    "1784/..",
    "../1785",
    "1784?/1786~",
  ])("accepts the EDTF date %s", (value) => {
    expect(profile.validateItem({ type: "date", text: "x", value })).toEqual([]);
  });

  it.each(["30/09/1784", "1784-13", "1784-09-32", "84", "1784 ?", "vers 1784", "1784/", "..", "1X84", ""])(
    "rejects %j as a date value",
    (value) => {
      const errors = profile.validateItem({ type: "date", text: "x", value });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^"value" is not in the expected format: EDTF date/);
    },
  );

  it("explains a bad item with the schema of its own type, naming each field", () => {
    expect(profile.validateItem({ type: "place", text: "", kind: "town", mayor: "x" })).toEqual([
      'the item has an unknown field "mayor" (allowed: type, text, kind)',
      '"text" must not be empty',
      '"kind" must be one of: "city", "country", "region", "street", "building", "other" (got "town")',
    ]);
  });

  it("lists the types when the type is unknown, and reports missing fields and non-objects", () => {
    expect(profile.validateItem({ type: "personne", text: "Jean" })).toEqual([
      '"type" must be one of: "person", "place", "organization", "date", "work", "event" (got "personne")',
    ]);
    expect(profile.validateItem({ type: "person" })).toEqual(['the item has no "text" (required)']);
    expect(profile.validateItem("Jean Dupuis")).toEqual(['the item must be an object (got "Jean Dupuis")']);
  });
});

describe("compileProfile with a custom profile", () => {
  it("accepts a minimal profile, with /text as the default verbatim pointer", () => {
    const profile = compileProfile("minimal", minimal());
    expect(profile.verbatimPaths).toEqual(["/text"]);
    expect(profile.itemTypes).toEqual(["ship", "port"]);
    expect(profile.description).toBe("");
    expect(profile.validateItem({ type: "ship", text: "La Boussole", tons: 1.5 })).toEqual([
      '"tons" must be an integer (got 1.5)',
    ]);
  });

  it("grounds every element of an array field with /x/*, examples included", () => {
    const schema = minimal();
    schema["x-palimpsest"] = {
      version: "2",
      verbatim: ["/text", "/crew/*"],
      examples: [
        {
          text: "La Boussole, commandée par La Pérouse avec Langle, quitta Brest.",
          output: { entities: [{ type: "ship", text: "La Boussole", crew: ["La Pérouse", "Langle"] }] },
        },
      ],
    };
    const profile = compileProfile("ships", schema);
    expect(profile.verbatimPaths).toEqual(["/text", "/crew/*"]);
    expect([...profile.exampleMentions]).toEqual(["La Boussole", "La Pérouse", "Langle"]);
  });

  it("accepts a schema with its own $id and oneOf item types", () => {
    const schema = minimal();
    schema.$id = "https://example.org/profiles/ships.json";
    const item = schema.properties.entities.items;
    schema.$defs = {
      ship: { ...item, properties: { ...item.properties, type: { const: "ship" } } },
      port: {
        ...item,
        properties: { type: { const: "port" }, text: { type: "string" } },
        additionalProperties: false,
      },
    };
    schema.properties.entities.items = { oneOf: [{ $ref: "#/$defs/ship" }, { $ref: "#/$defs/port" }] };
    const profile = compileProfile("ships", schema);
    expect(profile.itemTypes).toEqual(["ship", "port"]);
    expect(profile.validateItem({ type: "port", text: "Brest", tons: 3 })).toEqual([
      'the item has an unknown field "tons" (allowed: type, text)',
    ]);
  });

  it("rejects what is not a JSON Schema", () => {
    expect(problemsOf([])).toEqual(["a profile is a JSON Schema object (got [])"]);
    const badType = minimal();
    badType.properties.entities.type = "arry";
    expect(problemsOf(badType)[0]).toMatch(
      /^not a valid JSON Schema 2020-12: "properties\/entities\/type" must be one of: "array", .*\(got "arry"\)/,
    );
    const typo = minimal();
    typo.properties.entities.items.requird = ["text"];
    expect(problemsOf(typo)).toEqual([
      'the schema does not compile: strict mode: unknown keyword: "requird"',
    ]);
    expect(problemsOf({ ...minimal(), $schema: "http://json-schema.org/draft-07/schema#" })[0]).toMatch(
      /^"\$schema" must be "https:\/\/json-schema.org\/draft\/2020-12\/schema"/,
    );
  });

  it("rejects a schema without an entities array of items with type and text", () => {
    expect(problemsOf({ ...minimal(), properties: { items: { type: "array" } } })).toContain(
      'the top level must have a property "entities" of {"type": "array"}',
    );
    const arrayTop = { ...minimal(), type: "array", required: undefined, title: undefined };
    expect(problemsOf(arrayTop)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^the top level must be \{"type": "object"/),
        expect.stringMatching(/^"entities" must be listed in the top-level "required"/),
        expect.stringMatching(/^add a "title"/),
      ]),
    );
    const noText = minimal();
    noText.properties.entities.items.required = ["type"];
    expect(problemsOf(noText)).toEqual([
      'item schema #/properties/entities/items must have a required string property "text" (every item needs "type" and "text")',
    ]);
  });

  it("rejects verbatim pointers that do not name string fields, saying what to write instead", () => {
    const schema = minimal();
    schema["x-palimpsest"].verbatim = ["/crew", "/captain", "/tons", "/text/*"];
    expect(problemsOf(schema)).toEqual([
      'x-palimpsest: "verbatim" must include "/text": every item is located in the document by its text',
      'x-palimpsest: verbatim pointer "/crew" must name a string field: it is an array of strings: write "/crew/*" to ground each element',
      'x-palimpsest: verbatim pointer "/captain" names no field of the item schema',
      'x-palimpsest: verbatim pointer "/tons" must name a string field: #/properties/entities/items/properties/tons is not a string field',
      'x-palimpsest: verbatim pointer "/text/*" must name a string field: #/properties/entities/items/properties/text is not an array, so "*" cannot follow it',
    ]);
  });

  it("rejects examples that break the schema or paraphrase the text", () => {
    const schema = minimal();
    schema["x-palimpsest"].examples = [
      { text: "Le navire La Boussole.", output: { entities: [{ type: "vessel", text: "La Boussole" }] } },
      { text: "Le navire La Boussole.", output: { entities: [{ type: "ship", text: "la Boussole" }] } },
    ];
    expect(problemsOf(schema)).toEqual([
      'x-palimpsest: example 1: "entities/0/type" must be one of: "ship", "port" (got "vessel")',
      'x-palimpsest: example 2: "la Boussole" ("entities/0/text") is not in its text; copy mentions exactly, or the model learns to paraphrase',
    ]);
  });

  it("rejects what the embedded model's grammar cannot honour, naming the keyword and where it is", () => {
    const schema = minimal();
    schema.properties.entities.uniqueItems = true;
    schema.properties.entities.items.properties.date = { type: "string", pattern: "^[0-9]{4}(-[0-9]{2}|$)" };
    schema.properties.entities.items.properties.captain = {
      type: "object",
      additionalProperties: { type: "string" },
    };
    expect(problemsOf(schema)).toEqual([
      "the model's grammar cannot honour #/properties/entities/uniqueItems: unique items cannot be enforced while generating",
      "the model's grammar cannot honour #/properties/entities/items/properties/date/pattern: ^ and $ are supported only at the start and end of the pattern (at character 21 of the pattern)",
      "the model's grammar cannot honour #/properties/entities/items/properties/captain/properties: free-form objects cannot be generated: declare the object's properties",
    ]);
  });

  it("lists grammar problems with the other problems of the schema, so one pass fixes all", () => {
    const schema = minimal();
    schema.title = undefined;
    schema.properties.entities.items.properties.crew.uniqueItems = true;
    expect(problemsOf(schema)).toEqual([
      'add a "title": the short name shown in lists of profiles',
      "the model's grammar cannot honour #/properties/entities/items/properties/crew/uniqueItems: unique items cannot be enforced while generating",
    ]);
  });

  it("takes derived attributes and an alignment policy, and rejects derived ones read off no verbatim field", () => {
    const schema = minimal();
    schema["x-palimpsest"] = {
      version: "1",
      derived: { "/tons": "/text" },
      alignment: { fuzzy: false, nearMisses: "flag" },
    };
    const profile = compileProfile("custom", schema);
    expect(profile.derived).toEqual({ "/tons": "/text" });
    expect(profile.alignment).toEqual({ fuzzy: false, nearMisses: "flag" });
    schema["x-palimpsest"] = { version: "1", derived: { "/weight": "/text", "/tons": "/crew" } };
    expect(problemsOf(schema)).toEqual([
      'x-palimpsest: derived attribute "/weight" names no field of the item schema',
      'x-palimpsest: derived attribute "/tons" is read off "/crew", which is not one of the verbatim fields',
    ]);
    schema["x-palimpsest"] = { version: "1", alignment: { maxEditRatio: 1 } };
    expect(problemsOf(schema)[0]).toMatch(/alignment\/maxEditRatio/);
  });

  it("rejects missing or malformed x-palimpsest metadata and bad names", () => {
    const { "x-palimpsest": _, ...bare } = minimal();
    expect(problemsOf(bare)).toEqual([
      'add "x-palimpsest": {"version": "1.0.0"} (and optionally "verbatim" and "examples")',
    ]);
    const schema = minimal();
    schema["x-palimpsest"] = { version: 1, verbatim: ["text"], extra: true };
    expect(problemsOf(schema)).toEqual([
      'x-palimpsest: the object has an unknown field "extra" (allowed: version, verbatim, derived, alignment, examples)',
      'x-palimpsest: "version" must be a string (got 1)',
      'x-palimpsest: "verbatim/0" is not in the expected format: a JSON Pointer such as "/text" or "/godparents/*" (got "text")',
    ]);
    expect(problemsOf(minimal(), "../etc/passwd")[0]).toMatch(/^the name must be 1 to 64 letters/);
  });
});
