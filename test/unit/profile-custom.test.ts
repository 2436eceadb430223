/** A custom schema's profile is named after the schema, never after a built-in profile. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadProfiles } from "../../src/profiles/registry.js";
import { resolveProfile } from "../../src/profiles/resolve.js";

const registry = await loadProfiles();
const shipped = JSON.parse(readFileSync(new URL("../../schemas/default.json", import.meta.url), "utf8"));

describe("a custom schema's profile", () => {
  it("is named custom-<sha256 prefix>, even when the request names a built-in profile", () => {
    const profile = resolveProfile(registry, { profile: "default", schema: shipped }, "default");
    expect(profile.name).toMatch(/^custom-[0-9a-f]{16}$/);
    expect(profile.title).toBe(shipped.title);
  });

  it("has one name for one schema, as an object or as text in any key order", () => {
    const reordered = Object.fromEntries(Object.entries(shipped).reverse());
    const names = [shipped, JSON.stringify(shipped), reordered].map((schema) => registry.custom(schema).name);
    expect(new Set(names).size).toBe(1);
  });

  it("has another name when anything in the schema changes, its examples included", () => {
    const meta = shipped["x-palimpsest"];
    const changed = { ...shipped, "x-palimpsest": { ...meta, examples: meta.examples.slice(1) } };
    expect(registry.custom(changed).name).not.toBe(registry.custom(shipped).name);
  });

  it("is compiled once while it is used", () => {
    expect(registry.custom(JSON.stringify(shipped))).toBe(registry.custom(shipped));
  });

  it("reports a bad schema as the custom one", () => {
    expect(() => registry.custom("{not json")).toThrow(/The custom schema is not valid JSON/);
    expect(() => registry.custom({ ...shipped, title: undefined })).toThrow(/^Profile "custom" is invalid/);
  });
});
