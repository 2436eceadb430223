import { describe, expect, it } from "vitest";
import { groundChunkItems } from "../../src/pipeline/ground/ground.js";
import type { Chunk, ModelItem, NormalizedText } from "../../src/pipeline/types.js";
import { CodePointIndex } from "../../src/text/code-points.js";

function identity(text: string): NormalizedText {
  return { text, toSource: Int32Array.from({ length: text.length + 1 }, (_, i) => i) };
}

/** What a normaliser does to line-end hyphens, with its offset map (enough for these tests). */
function joinLineEndHyphens(source: string): NormalizedText {
  let text = "";
  const toSource: number[] = [];
  for (let i = 0; i < source.length; i++) {
    if (source.startsWith("-\n", i)) {
      i++;
      continue;
    }
    text += source[i];
    toSource.push(i);
  }
  toSource.push(source.length);
  return { text, toSource: Int32Array.from(toSource) };
}

function chunkOf(normalized: NormalizedText, start = 0, end = normalized.text.length, index = 0): Chunk {
  return { index, text: normalized.text.slice(start, end), start, end };
}

function ground(
  source: string,
  items: ModelItem[],
  options: { normalized?: NormalizedText; verbatimPaths?: string[]; examples?: string[] } = {},
) {
  const normalized = options.normalized ?? identity(source);
  return groundChunkItems({
    source,
    normalized,
    chunk: chunkOf(normalized),
    items,
    verbatimPaths: options.verbatimPaths ?? ["/text"],
    exampleMentions: new Set(options.examples ?? []),
  });
}

describe("groundChunkItems", () => {
  it("grounds an exact mention after characters outside the BMP, with correct code point offsets", () => {
    const source = "𝔊𝔬𝔱𝔱 🎉 Brief an Goethe in Weimar 🎉.";
    const { grounded, rejected } = ground(source, [
      { type: "person", text: "Goethe" },
      { type: "place", text: "WEIMAR" },
    ]);
    expect(rejected).toEqual([]);
    const [goethe, weimar] = grounded;
    expect(goethe?.span).toEqual({
      start: source.indexOf("Goethe"),
      end: source.indexOf("Goethe") + 6,
      text: "Goethe",
      alignment: "exact",
    });
    expect(weimar?.span).toMatchObject({ text: "Weimar", alignment: "fuzzy", modelText: "WEIMAR" });

    const codePoints = new CodePointIndex(source);
    const chars = [...source];
    for (const { span } of grounded) {
      expect(source.slice(span.start, span.end)).toBe(span.text);
      const start = codePoints.toCodePoint(span.start);
      const end = codePoints.toCodePoint(span.end);
      expect(chars.slice(start, end).join("")).toBe(span.text);
    }
    expect(codePoints.toCodePoint(goethe?.span.start ?? -1)).toBe(source.indexOf("Goethe") - 5);
  });

  it("grounds a mention hyphenated across a line break, through the normalised text or by folding", () => {
    const source = "Quatre éléphants fournis par M. Hagen-\nbeck, de Hambourg.";
    const expected = { text: "Hagen-\nbeck", alignment: "fuzzy", modelText: "Hagenbeck" };
    const viaNormalised = ground(source, [{ type: "person", text: "Hagenbeck" }], {
      normalized: joinLineEndHyphens(source),
    });
    expect(viaNormalised.grounded[0]?.span).toMatchObject({ ...expected, start: source.indexOf("Hagen-") });
    const viaFolding = ground(source, [{ type: "person", text: "Hagenbeck" }]);
    expect(viaFolding.grounded[0]?.span).toMatchObject({ ...expected, start: source.indexOf("Hagen-") });
  });

  it("grounds a modern spelling in a long-s source", () => {
    const source = "Gedruckt zu Baſel bey Chriſtoph Froſchauer.";
    const { grounded } = ground(source, [
      { type: "place", text: "Basel" },
      { type: "person", text: "Christoph Froschauer" },
    ]);
    expect(grounded.map((item) => item.span.text)).toEqual(["Baſel", "Chriſtoph Froſchauer"]);
    expect(grounded.map((item) => item.span.modelText)).toEqual(["Basel", "Christoph Froschauer"]);
    expect(grounded.every((item) => item.span.alignment === "fuzzy")).toBe(true);
  });

  it("grounds OCR-damaged mentions approximately, keeping the model's spelling and saying what differs", () => {
    const source = "fournis par M. Hagenbcck, qui exhibe à GENEVE la caravane de Jofeph BONAPARLE.";
    const { grounded, rejected } = ground(source, [
      { type: "person", text: "Hagenbeck" },
      { type: "place", text: "Genève" },
      { type: "person", text: "Joseph Bonaparte" },
    ]);
    expect(rejected).toEqual([]);
    expect(grounded.map((item) => item.span)).toEqual([
      {
        start: 15,
        end: 24,
        text: "Hagenbcck",
        alignment: "fuzzy",
        modelText: "Hagenbeck",
        editDistance: 1,
        differences: ["ocr"],
      },
      {
        start: 39,
        end: 45,
        text: "GENEVE",
        alignment: "fuzzy",
        modelText: "Genève",
        editDistance: 0,
        differences: ["case", "diacritics"],
      },
      {
        start: source.indexOf("Jofeph"),
        end: source.length - 1,
        text: "Jofeph BONAPARLE",
        alignment: "fuzzy",
        modelText: "Joseph Bonaparte",
        editDistance: 2,
        differences: ["case", "ocr"],
      },
    ]);
  });

  it("rejects a mention that is not in the text, and one too far from the similar word that is", () => {
    const source = "fournis par M. Hagenbcck, de Hambourg.";
    const { grounded, rejected } = ground(source, [
      { type: "person", text: "Napoléon" },
      { type: "person", text: "Hagenbach" },
    ]);
    expect(grounded).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual(["not_in_document", "too_different"]);
    expect(rejected[1]?.nearest).toEqual({ start: 15, end: 24, text: "Hagenbcck" });
    expect(rejected[0]?.message).toContain('"Napoléon"');
    expect(rejected[0]?.item).toEqual({ type: "person", text: "Napoléon" });
    expect(rejected[0]?.chunk).toBe(0);
  });

  it("rejects a mention copied from the examples unless it stands verbatim in the text", () => {
    const source = "Baptême de Jean Dupond, fils de Pierre Martin.";
    const { grounded, rejected } = ground(
      source,
      [
        { type: "person", text: "Jean Dupont" },
        { type: "person", text: "Pierre Martin" },
      ],
      { examples: ["Jean Dupont", "PIERRE MARTIN"] },
    );
    expect(rejected.map((r) => [r.reason, (r.item as ModelItem).text])).toEqual([
      ["copied_from_example", "Jean Dupont"],
    ]);
    expect(grounded.map((item) => item.span.text)).toEqual(["Pierre Martin"]);
    // Without the example the same mention is an OCR variant, grounded approximately.
    expect(ground(source, [{ type: "person", text: "Jean Dupont" }]).grounded[0]?.span.text).toBe(
      "Jean Dupond",
    );
  });

  it("places a name listed several times at successive occurrences, in reading order, and drops extra listings", () => {
    const source = "Paris est loin. PARIS brûle-t-il ? Paris, enfin.";
    const { grounded, rejected } = ground(source, [
      { type: "place", text: "Paris", n: 1 },
      { type: "place", text: "Paris", n: 2 },
      { type: "place", text: "Paris", n: 3 },
      { type: "place", text: "Paris", n: 4 },
    ]);
    expect(rejected).toEqual([]);
    expect(grounded.map((item) => [item.attributes.n, item.span.start])).toEqual([
      [1, 0],
      [2, source.indexOf("PARIS")],
      [3, source.lastIndexOf("Paris")],
    ]);
  });

  it("prefers a standalone word to a hit inside a longer word", () => {
    const source = "Romeo quitta Vérone pour Rome.";
    const { grounded } = ground(source, [
      { type: "place", text: "Rome" },
      { type: "place", text: "Rome" },
    ]);
    // The second listing is a repeat: it must not fall back into "Romeo".
    expect(grounded.map((item) => item.span.start)).toEqual([source.lastIndexOf("Rome")]);
    // Inside a word only when the name stands nowhere on its own (OCR glues words together).
    const glued = ground("Il arriva deRome hier.", [{ type: "place", text: "Rome" }]);
    expect(glued.grounded[0]?.span).toMatchObject({ start: 12, text: "Rome", alignment: "exact" });
  });

  it("takes a lowercase letter followed by a capital as a word boundary, where OCR glued two words", () => {
    const source = "Un coup de poing àLebrun, dit-on. Lebrun porta plainte à l'Œil de ParisM. Vallée.";
    const { grounded } = ground(source, [
      { type: "person", text: "Lebrun" },
      { type: "person", text: "Lebrun" },
      { type: "place", text: "l'Œil de Paris" },
    ]);
    expect(grounded.map((item) => [item.span.start, item.span.text, item.span.alignment])).toEqual([
      [source.indexOf("Lebrun"), "Lebrun", "exact"],
      [source.lastIndexOf("Lebrun"), "Lebrun", "exact"],
      [source.indexOf("l'Œil"), "l'Œil de Paris", "exact"],
    ]);
  });

  it("searches only the chunk's region of the source, and says where else in the document a mention stands", () => {
    const source = "Lettre de Voltaire. Réponse de Rousseau.";
    const normalized = identity(source);
    const result = groundChunkItems({
      source,
      normalized,
      chunk: chunkOf(normalized, 20, source.length, 1),
      items: [
        { type: "person", text: "Voltaire" },
        { type: "person", text: "Rousseau" },
      ],
      verbatimPaths: ["/text"],
      exampleMentions: new Set(),
    });
    expect(result.grounded.map((item) => [item.span.text, item.chunk])).toEqual([["Rousseau", 1]]);
    expect(result.rejected.map((r) => [r.reason, r.chunk])).toEqual([["outside_passage", 1]]);
    expect(result.rejected[0]?.occurrences).toEqual([{ start: 10, end: 18, text: "Voltaire" }]);
  });

  it("grounds other verbatim fields near the item and reports those it cannot find", () => {
    const source =
      "Le 3 mai, Jean Roy, fils de Louis Roy. Le 4 mai, Anne Roy, fille de Louis Roy; parrain Paul Gay.";
    const item = {
      type: "baptism",
      text: "Anne Roy",
      father: "Louis Roy",
      godparents: ["Paul Gay", "Marie Duval"],
      date: "4 mai",
    };
    const { grounded, rejected } = ground(source, [item], {
      verbatimPaths: ["/text", "/father", "/godparents/*"],
    });
    expect(grounded).toHaveLength(1);
    const [baptism] = grounded;
    expect(baptism?.attributes).toEqual({
      father: "Louis Roy",
      godparents: ["Paul Gay", "Marie Duval"],
      date: "4 mai",
    });
    expect(Object.keys(baptism?.fieldSpans ?? {})).toEqual(["/father", "/godparents/0"]);
    // The father nearest Anne's record, not the first "Louis Roy" of the page.
    expect(baptism?.fieldSpans["/father"]?.start).toBe(source.lastIndexOf("Louis Roy"));
    expect(baptism?.fieldSpans["/godparents/0"]?.text).toBe("Paul Gay");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ reason: "not_in_document", item });
    expect(rejected[0]?.message).toContain("/godparents/1");
    expect(rejected[0]?.message).toContain("Marie Duval");
  });

  it("trims punctuation the source has around an approximate hit but the mention has not", () => {
    const source = "(Hagenbcck)";
    expect(ground(source, [{ type: "person", text: "Hagenbeck" }]).grounded[0]?.span.text).toBe("Hagenbcck");
    expect(ground("par M. Hagenbeck", [{ type: "person", text: "M." }]).grounded[0]?.span.text).toBe("M.");
  });

  it("rejects an item without a string type or text as schema-invalid", () => {
    const { rejected } = ground("texte", [{ type: "person", text: 42 }]);
    expect(rejected.map((r) => r.reason)).toEqual(["schema_invalid"]);
  });
});
