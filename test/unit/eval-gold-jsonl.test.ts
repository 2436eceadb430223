/** The JSON Lines gold format: documents with code point offsets, checked against their text. */
import { describe, expect, it } from "vitest";
import { parseGoldJsonl } from "../../src/eval/gold-jsonl.js";
import { parseGold } from "../../src/eval/read-gold.js";

const line = (value: unknown) => JSON.stringify(value);

describe("JSON Lines gold", () => {
  it("reads documents with code point offsets, outside the BMP too", () => {
    const file = parseGold(
      [
        line({
          id: "a",
          language: "de",
          text: "𝔊𝔬𝔱𝔱 grüßt Goethe",
          mentions: [{ type: "person", start: 11, end: 17 }],
        }),
        "",
        line({ text: "Rien.", mentions: [] }),
      ].join("\n"),
      "gold.jsonl",
    );
    expect(file.format).toBe("jsonl");
    expect(file.documents).toEqual([
      {
        id: "a",
        language: "de",
        text: "𝔊𝔬𝔱𝔱 grüßt Goethe",
        mentions: [{ type: "person", start: 11, end: 17, text: "Goethe" }],
      },
      { id: "line 3", text: "Rien.", mentions: [] },
    ]);
  });

  it("reads a result of `palimpsest extract` as gold: entities, and id and language from its document", () => {
    const result = {
      document: { id: "c627", filename: "lettre.txt", language: "fr" },
      text: "Écrit à Bordeaux.",
      entities: [{ id: "m1", type: "place", start: 8, end: 16, text: "Bordeaux", attributes: {} }],
    };
    const [document] = parseGoldJsonl(line(result), "corrected.jsonl").documents;
    expect(document).toMatchObject({
      id: "lettre.txt",
      language: "fr",
      mentions: [{ type: "place", start: 8, end: 16 }],
    });
  });

  it("names documents by `doc` and `lang` where the gold file calls them so", () => {
    const [document] = parseGoldJsonl(
      line({ doc: "acte-12", lang: "fr", text: "Nîmes.", mentions: [{ type: "place", start: 0, end: 5 }] }),
      "gold.jsonl",
    ).documents;
    expect(document).toMatchObject({ id: "acte-12", language: "fr" });
  });

  it.each([
    ["not JSON", "{oops", /line 1: not JSON/],
    ["a document without text", line({ mentions: [] }), /line 1: a document needs a "text" string/],
    [
      "offsets past the text",
      line({ text: "Paris", mentions: [{ type: "place", start: 0, end: 6 }] }),
      /mention 1 needs a "type" and code point offsets 0 <= start < end <= 5/,
    ],
    [
      "offsets counted in UTF-16 units, caught by the mention's text",
      line({ text: "🎉 Paris!", mentions: [{ type: "place", start: 3, end: 8, text: "Paris" }] }),
      /mention 1 says "Paris" but \[3, 8\) is "aris!" \(offsets count Unicode code points\)/,
    ],
  ])("refuses %s, naming file and line", (_, content, message) => {
    expect(() => parseGoldJsonl(content, "gold.jsonl")).toThrow(message);
    expect(() => parseGoldJsonl(content, "gold.jsonl")).toThrow(/^gold\.jsonl, line 1: /);
  });
});
