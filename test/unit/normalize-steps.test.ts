import { describe, expect, it } from "vitest";
import { normalizeForModel, toSourceRange } from "../../src/pipeline/normalize/index.js";
import type { NormalizedText } from "../../src/pipeline/types.js";

/** The source text a normalised range stands for. */
function sourceOf(source: string, normalized: NormalizedText, start: number, end: number): string {
  const [from, to] = toSourceRange(normalized, start, end);
  return source.slice(from, to);
}

/** The source text behind the first occurrence of `word` in the normalised text. */
function sourceOfWord(source: string, word: string): string {
  const normalized = normalizeForModel(source);
  const start = normalized.text.indexOf(word);
  expect(start).toBeGreaterThanOrEqual(0);
  return sourceOf(source, normalized, start, start + word.length);
}

function expectWellFormedMap({ text, toSource }: NormalizedText, source: string) {
  expect(toSource.length).toBe(text.length + 1);
  for (let i = 1; i < toSource.length; i++) expect(toSource[i]).toBeGreaterThanOrEqual(toSource[i - 1] ?? 0);
  expect(toSource[0]).toBeGreaterThanOrEqual(0);
  expect(toSource[text.length]).toBeLessThanOrEqual(source.length);
}

describe("normalizeForModel", () => {
  it("leaves clean text alone with an identity map", () => {
    const source = "Le roi est à Versailles.\n\nLa reine aussi.";
    const normalized = normalizeForModel(source);
    expect(normalized.text).toBe(source);
    expect(Array.from(normalized.toSource)).toEqual(Array.from({ length: source.length + 1 }, (_, i) => i));
  });

  it("replaces the long s and maps each s to its ſ", () => {
    const source = "Il eſt reſté à Paſſy.";
    const normalized = normalizeForModel(source);
    expect(normalized.text).toBe("Il est resté à Passy.");
    expect(Array.from(normalized.toSource)).toEqual(Array.from({ length: source.length + 1 }, (_, i) => i));
    expect(sourceOfWord(source, "Passy")).toBe("Paſſy");
  });

  it("expands ligatures but keeps æ and œ, which are letters", () => {
    const source = "ﬁls ﬂeur eﬀet oﬃce ﬄeuve ﬅ ﬆ — cœur Lætitia Œuvre";
    const normalized = normalizeForModel(source);
    expect(normalized.text).toBe("fils fleur effet office ffleuve st st — cœur Lætitia Œuvre");
    expect(sourceOfWord(source, "office")).toBe("oﬃce");
    expect(sourceOfWord(source, "Lætitia")).toBe("Lætitia");
    expectWellFormedMap(normalized, source);
  });

  it("composes characters (NFC) and maps the composed character to its whole source", () => {
    const source = "Le de\u0301pute\u0301 de Ni\u0302mes";
    const normalized = normalizeForModel(source);
    expect(normalized.text).toBe("Le député de Nîmes");
    expect(sourceOfWord(source, "député")).toBe("de\u0301pute\u0301");
    expect(sourceOfWord(source, "Nîmes")).toBe("Ni\u0302mes");
  });

  it.each([
    ["-", "mai-\nson"],
    ["- with blanks around the break", "mai-  \n   son"],
    ["¬", "mai¬\nson"],
    ["⸗", "mai⸗\nson"],
    ["=", "mai=\nson"],
    ["U+2010", "mai\u2010\nson"],
    ["a soft hyphen", "mai\u00AD\nson"],
  ])("joins a word hyphenated at a line end with %s", (_name, word) => {
    const source = `La ${word} neuve.`;
    expect(normalizeForModel(source).text).toBe("La maison neuve.");
    expect(sourceOfWord(source, "maison")).toBe(word);
  });

  it.each([
    ["Jean-\nBaptiste", "Jean-Baptiste"],
    ["Saint⸗\nGermain", "Saint-Germain"],
    ["Nieder=\nÖsterreich", "Nieder-Österreich"],
    ["Alcudia-\nAlcudia", "Alcudia-Alcudia"],
    ["1870-\n1871", "1870-1871"],
    ["XVIII-\n2", "XVIII-2"],
  ])("keeps the hyphen of a compound broken at a line end: %j", (source, expected) => {
    const normalized = normalizeForModel(source);
    expect(normalized.text).toBe(expected);
    expect(sourceOf(source, normalized, 0, expected.length)).toBe(source);
  });

  it.each([
    ["a dash after a space", "Paris -\nLyon", "Paris - Lyon"],
    ["an equals sign before a number", "x=\n5", "x= 5"],
    ["a hyphen before a blank line", "mai-\n\nson", "mai-\n\nson"],
    ["a hyphen at the end of the text", "Fin-\n", "Fin-"],
  ])("does not join %s", (_name, source, expected) => {
    expect(normalizeForModel(source).text).toBe(expected);
  });

  it("drops soft hyphens inside a line", () => {
    expect(normalizeForModel("Ver\u00ADsailles").text).toBe("Versailles");
  });

  it("unifies line breaks, collapses blanks and keeps paragraph boundaries", () => {
    const source =
      "  Premier\talinéa,\r\nsuite   du  même.  \r\n \r\n\r\n  Second\ralinéa.\fTroisième\u2029Quatrième\u2028fin.  \n";
    const normalized = normalizeForModel(source);
    expect(normalized.text).toBe(
      "Premier alinéa, suite du même.\n\nSecond alinéa.\n\nTroisième\n\nQuatrième fin.",
    );
    expectWellFormedMap(normalized, source);
    expect(sourceOfWord(source, "Premier")).toBe("Premier");
    expect(sourceOfWord(source, "fin.")).toBe("fin.");
  });

  it("maps a collapsed blank run to its first blank", () => {
    const source = "Paris   \n  Lyon";
    const normalized = normalizeForModel(source);
    expect(normalized.text).toBe("Paris Lyon");
    expect(normalized.toSource[5]).toBe(5);
    expect(sourceOf(source, normalized, 0, 5)).toBe("Paris");
    expect(sourceOf(source, normalized, 6, 10)).toBe("Lyon");
  });

  it("drops zero-width and control characters but keeps ZWJ and ZWNJ", () => {
    const source = "Pa\u200Bris\u0007 et\uFEFF \u200Eविद्\u200Dया\u200C";
    const normalized = normalizeForModel(source);
    expect(normalized.text).toBe("Paris et विद्\u200Dया\u200C");
    expect(sourceOfWord(source, "Paris")).toBe("Pa\u200Bris\u0007");
  });

  it("keeps offsets right after characters outside the BMP", () => {
    const source = "𝔉 𝔉riedrich 😀  Jean-\nBaptiste 👨‍👩‍👧 ſon ﬁls";
    const normalized = normalizeForModel(source);
    expect(normalized.text).toBe("𝔉 𝔉riedrich 😀 Jean-Baptiste 👨‍👩‍👧 son fils");
    expect(sourceOfWord(source, "𝔉riedrich")).toBe("𝔉riedrich");
    expect(sourceOfWord(source, "Jean-Baptiste")).toBe("Jean-\nBaptiste");
    expect(sourceOfWord(source, "son")).toBe("ſon");
    expect(sourceOfWord(source, "fils")).toBe("ﬁls");
    expectWellFormedMap(normalized, source);
  });

  it("maps the ends of the text to the first and last characters kept", () => {
    const source = "\n\n  Paris  \n\n";
    const normalized = normalizeForModel(source);
    expect(normalized.text).toBe("Paris");
    expect(toSourceRange(normalized, 0, 5)).toEqual([4, 9]);
  });

  it("maps an empty result to an empty range", () => {
    const normalized = normalizeForModel(" \n\u200B ");
    expect(normalized.text).toBe("");
    expect(Array.from(normalized.toSource)).toEqual([0]);
  });
});

describe("toSourceRange", () => {
  const normalized = normalizeForModel("Le maî-\ntre");

  it("includes text deleted inside the range", () => {
    expect(normalized.text).toBe("Le maître");
    expect(toSourceRange(normalized, 3, 9)).toEqual([3, 11]);
  });

  it("refuses ranges outside the text or reversed", () => {
    expect(() => toSourceRange(normalized, 0, 10)).toThrow(RangeError);
    expect(() => toSourceRange(normalized, -1, 2)).toThrow(RangeError);
    expect(() => toSourceRange(normalized, 5, 4)).toThrow(RangeError);
  });
});
