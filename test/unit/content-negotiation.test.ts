import { describe, expect, it } from "vitest";
import { parseAccept, preferredMediaType } from "../../src/api/content-negotiation.js";

const OFFERS = [
  "application/json; charset=utf-8",
  "application/jsonl; charset=utf-8",
  "application/x-ndjson; charset=utf-8",
  "text/csv; charset=utf-8; header=present",
  "text/tab-separated-values; charset=utf-8",
  'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
];

const pick = (accept: string | undefined) => preferredMediaType(accept, OFFERS)?.split(";")[0];

describe("parseAccept", () => {
  it("reads types, parameters and weights, and leaves out what is malformed", () => {
    expect(
      parseAccept('text/csv;q=0.5, application/ld+json; profile="a,b", bad, */*;q=0, text/*;q=2').map(
        ({ type, subtype, q, params }) => [`${type}/${subtype}`, q, Object.fromEntries(params)],
      ),
    ).toEqual([
      ["text/csv", 0.5, {}],
      ["application/ld+json", 1, { profile: "a,b" }],
      ["*/*", 0, {}],
    ]);
  });

  it("ignores what follows the weight (accept-extensions)", () => {
    expect(parseAccept("text/csv;q=0.8;level=1")[0]).toMatchObject({ q: 0.8, params: new Map() });
  });
});

describe("preferredMediaType", () => {
  it.each([
    [undefined, "application/json"],
    ["", "application/json"],
    ["*/*", "application/json"],
    ["application/*", "application/json"],
    ["text/*", "text/csv"],
    ["text/csv", "text/csv"],
    ["TEXT/CSV", "text/csv"],
    ["application/x-ndjson", "application/x-ndjson"],
    ["application/jsonl", "application/jsonl"],
    ["text/tab-separated-values", "text/tab-separated-values"],
    ["application/ld+json", "application/ld+json"],
  ])("Accept: %s gives %s", (accept, expected) => {
    expect(pick(accept)).toBe(expected);
  });

  it("follows the weights", () => {
    expect(pick("application/json;q=0.4, text/csv;q=0.9")).toBe("text/csv");
    expect(pick("text/csv;q=0.1, */*;q=0.5")).toBe("application/json");
  });

  it("refuses a type with q=0, even when a wildcard would take it", () => {
    expect(pick("application/json;q=0, */*")).toBe("application/jsonl");
    expect(pick("*/*;q=0")).toBeUndefined();
    expect(pick("text/csv;q=0")).toBeUndefined();
    expect(pick("text/csv;q=0.000")).toBeUndefined();
  });

  it("takes the most specific range's weight for each offer", () => {
    // text/csv is refused by its own range though text/* accepts the text types.
    expect(pick("text/*;q=0.9, text/csv;q=0")).toBe("text/tab-separated-values");
    expect(pick("text/*, text/csv;charset=utf-8;q=0.2")).toBe("text/tab-separated-values");
  });

  it("prefers the more specific range, then the client's order, at equal weight", () => {
    expect(pick("*/*, text/csv")).toBe("text/csv");
    expect(pick("text/tab-separated-values, text/csv")).toBe("text/tab-separated-values");
    expect(pick("text/csv, text/tab-separated-values")).toBe("text/csv");
  });

  it("matches parameters: a charset without regard to case, other values exactly", () => {
    expect(pick("text/csv; charset=UTF-8")).toBe("text/csv");
    expect(pick("text/csv; charset=iso-8859-1")).toBeUndefined();
    expect(pick('application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"')).toBe(
      "application/ld+json",
    );
    expect(pick('application/ld+json; profile="http://example.org/other"')).toBeUndefined();
  });

  it("answers none when nothing offered is acceptable", () => {
    expect(pick("application/xml")).toBeUndefined();
    expect(pick("image/*, text/html;q=0.9")).toBeUndefined();
  });

  it("treats a header that holds no valid range as no header", () => {
    expect(pick("nonsense")).toBe("application/json");
    expect(pick("text/csv;q=high")).toBe("application/json");
  });
});
