import { describe, expect, it } from "vitest";
import { verbatimValues } from "../../src/pipeline/ground/pointers.js";

describe("verbatimValues", () => {
  const item = {
    type: "baptism",
    text: "Anne Roy",
    father: "Louis Roy",
    godparents: ["Paul Gay", 7, "Marie Duval"],
    parents: { "mother/name": "Jeanne", "a~b": "x" },
    witnesses: [{ name: "Pierre" }, { name: "Jacques", age: 40 }],
  };

  it("expands * over arrays and objects into concrete pointers, keeping only strings", () => {
    expect(verbatimValues(item, ["/father", "/godparents/*", "/witnesses/*/name"])).toEqual([
      { pointer: "/father", value: "Louis Roy" },
      { pointer: "/godparents/0", value: "Paul Gay" },
      { pointer: "/godparents/2", value: "Marie Duval" },
      { pointer: "/witnesses/0/name", value: "Pierre" },
      { pointer: "/witnesses/1/name", value: "Jacques" },
    ]);
  });

  it("unescapes and re-escapes ~0 and ~1", () => {
    expect(verbatimValues(item, ["/parents/mother~1name", "/parents/*"])).toEqual([
      { pointer: "/parents/mother~1name", value: "Jeanne" },
      { pointer: "/parents/a~0b", value: "x" },
    ]);
  });

  it("yields nothing for paths that lead nowhere or to non-strings, and each pointer once", () => {
    expect(verbatimValues(item, ["/mother", "/witnesses/*/age", "/text/0", "/father", "/father"])).toEqual([
      { pointer: "/father", value: "Louis Roy" },
    ]);
  });
});
