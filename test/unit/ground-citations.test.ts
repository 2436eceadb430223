/**
 * Citations a historian can trust: grounding a passage's list never lands a mention on a different
 * fact, places the list in reading order, and says truly why what it refuses was refused.
 */
import { describe, expect, it } from "vitest";
import { groundChunkItems } from "../../src/pipeline/ground/ground.js";
import { DEFAULT_POLICY } from "../../src/pipeline/ground/policy.js";
import type { ModelItem, NormalizedText } from "../../src/pipeline/types.js";

function identity(text: string): NormalizedText {
  return { text, toSource: Int32Array.from({ length: text.length + 1 }, (_, i) => i) };
}

function ground(
  source: string,
  items: ModelItem[],
  options: {
    passage?: [number, number];
    policy?: typeof DEFAULT_POLICY;
    derived?: Record<string, string>;
  } = {},
) {
  const [start, end] = options.passage ?? [0, source.length];
  return groundChunkItems({
    source,
    normalized: identity(source),
    chunk: { index: 0, text: source.slice(start, end), start, end },
    items,
    verbatimPaths: ["/text"],
    exampleMentions: new Set(),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.derived ? { derived: options.derived } : {}),
  });
}

const cited = (result: ReturnType<typeof ground>) =>
  result.grounded.map((g) => [g.type, g.span.start, g.span.text]);

describe("numbers must agree", () => {
  it("refuses a date, a year or a regnal number with a digit changed, naming the text that is there", () => {
    const source = "Le 29 mai 1858, Louis XIV reçut le duc. En 1828, rien.";
    const { grounded, rejected } = ground(source, [
      { type: "date", text: "28 mai 1858" },
      { type: "person", text: "Louis XV" },
      { type: "date", text: "1928" },
    ]);
    expect(grounded).toEqual([]);
    expect(rejected.map((r) => [r.reason, r.nearest?.text])).toEqual([
      ["different_number", "29 mai 1858"],
      ["different_number", "Louis XIV"],
      ["different_number", "1828"],
    ]);
  });

  it("cites a number OCR misread as letters", () => {
    const result = ground("Fait en l'an 1S28 à Lyon.", [{ type: "date", text: "1828" }]);
    expect(result.grounded[0]?.span).toMatchObject({ text: "1S28", modelText: "1828", differences: ["ocr"] });
  });
});

describe("the policy's settings", () => {
  const source = "Le maire de Mets, M. Hagenbcck, écrivit.";

  it("rejects near misses by default and keeps them flagged when asked", () => {
    const items = [{ type: "place", text: "Metz" }];
    expect(ground(source, items).rejected.map((r) => [r.reason, r.nearest?.text])).toEqual([
      ["too_different", "Mets"],
    ]);
    const flagged = ground(source, items, { policy: { ...DEFAULT_POLICY, nearMisses: "flag" } });
    expect(flagged.grounded[0]?.span).toMatchObject({ text: "Mets", nearMiss: true, editDistance: 1 });
  });

  it("cites only what the source says, up to case and accents, when fuzzy alignment is off", () => {
    const off = { ...DEFAULT_POLICY, fuzzy: false };
    const { grounded, rejected } = ground(
      source,
      [
        { type: "person", text: "M. Hagenbeck" },
        { type: "place", text: "METS" },
      ],
      { policy: off },
    );
    expect(grounded.map((g) => g.span.text)).toEqual(["Mets"]);
    expect(rejected[0]).toMatchObject({ reason: "too_different", nearest: { text: "M. Hagenbcck" } });
    expect(rejected[0]?.message).toContain("fuzzy alignment is off");
  });
});

describe("document-level truth for rejections", () => {
  const source = "Passage un : M. Marin arrive. Passage deux : M. Martin repart.";
  const second: [number, number] = [source.indexOf("Passage deux"), source.length];

  it("reports a mention from another passage as such, with where it stands, and never cites it on a look-alike", () => {
    const { grounded, rejected } = ground(source, [{ type: "person", text: "M. Marin" }], {
      passage: second,
    });
    expect(grounded).toEqual([]);
    expect(rejected).toEqual([
      expect.objectContaining({
        reason: "outside_passage",
        occurrences: [{ start: 13, end: 21, text: "M. Marin" }],
      }),
    ]);
  });

  it("keeps 'hallucination' for what stands nowhere in the document", () => {
    const { rejected } = ground(source, [{ type: "person", text: "Napoléon" }], { passage: second });
    expect(rejected.map((r) => r.reason)).toEqual(["not_in_document"]);
    expect(rejected[0]?.message).toContain("hallucination");
  });
});

describe("placement in reading order", () => {
  it("does not cite a place inside an organisation's name when it also stands alone", () => {
    const source = "La Compagnie des Marchands de Neuchatel écrit à Neuchatel.";
    const result = ground(source, [
      { type: "place", text: "Neuchatel" },
      { type: "organization", text: "Compagnie des Marchands de Neuchatel" },
    ]);
    expect(cited(result)).toEqual([
      ["place", source.lastIndexOf("Neuchatel"), "Neuchatel"],
      ["organization", 3, "Compagnie des Marchands de Neuchatel"],
    ]);
  });

  it("aligns the whole list to the occurrences in order, not each name to its best match anywhere", () => {
    // "Paris" stands as written only after "Lyon", but the model listed it before.
    const source = "PARIS, Lyon. Rouen, Paris. Lyon.";
    const result = ground(source, [
      { type: "place", text: "Paris" },
      { type: "place", text: "Lyon" },
      { type: "place", text: "Rouen" },
      { type: "place", text: "Paris" },
      { type: "place", text: "Lyon" },
    ]);
    expect(cited(result)).toEqual([
      ["place", 0, "PARIS"],
      ["place", 7, "Lyon"],
      ["place", 13, "Rouen"],
      ["place", 20, "Paris"],
      ["place", 27, "Lyon"],
    ]);
  });

  it("cites a name OCR glued to a short word, not the glued pair, and keeps a name with an ending apart", () => {
    const source =
      "Il parla de l'Allemagneà la France, puis de l'Allemagne, auprésident Wilson; les Madrider Aerzte.";
    const result = ground(source, [
      { type: "place", text: "Allemagne" },
      { type: "place", text: "Allemagne" },
      { type: "person", text: "président Wilson" },
      { type: "place", text: "Madrid" },
    ]);
    expect(cited(result)).toEqual([
      ["place", source.indexOf("Allemagne"), "Allemagne"],
      ["place", source.lastIndexOf("Allemagne"), "Allemagne"],
      ["person", source.indexOf("président"), "président Wilson"],
      ["place", source.indexOf("Madrid"), "Madrid"],
    ]);
    expect(result.grounded.every((g) => g.span.alignment === "exact")).toBe(true);
    // "Madrid" stands nowhere on its own: only then is the piece of "Madrider" taken.
    expect(
      ground("Die Madrider Aerzte. Madrid.", [{ type: "place", text: "Madrid" }]).grounded[0]?.span.start,
    ).toBe(21);
  });

  it("takes a name inside a longer capitalised name last among equal places", () => {
    const source = "— Leeds Intelligencer. The meeting at Leeds was large.";
    expect(cited(ground(source, [{ type: "place", text: "Leeds" }]))).toEqual([
      ["place", source.lastIndexOf("Leeds"), "Leeds"],
    ]);
  });
});

describe("derived attributes", () => {
  const derived = { "/value": "/text" };

  it("drops a date's value that disagrees with the numbers of its text, with a warning on the mention", () => {
    const source = "Fait le 28 mai 1790, et en 1790.";
    const { grounded } = ground(
      source,
      [
        { type: "date", text: "28 mai 1790", value: "1790-05-28" },
        { type: "date", text: "1790", value: "1066" },
      ],
      { derived },
    );
    expect(grounded[0]).toMatchObject({ attributes: { value: "1790-05-28" } });
    expect(grounded[0]?.warnings).toBeUndefined();
    expect(grounded[1]?.attributes).toEqual({});
    expect(grounded[1]?.warnings).toEqual([
      expect.objectContaining({ code: "DERIVED_VALUE_DROPPED", message: expect.stringContaining('"1066"') }),
    ]);
  });
});
