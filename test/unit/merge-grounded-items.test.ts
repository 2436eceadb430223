import { describe, expect, it } from "vitest";
import { groundChunkItems } from "../../src/pipeline/ground/ground.js";
import { mergeGroundedItems } from "../../src/pipeline/ground/merge.js";
import type { GroundedItem, ModelItem, NormalizedText, Span } from "../../src/pipeline/types.js";

function identity(text: string): NormalizedText {
  return { text, toSource: Int32Array.from({ length: text.length + 1 }, (_, i) => i) };
}

function groundChunk(source: string, index: number, start: number, end: number, items: ModelItem[]) {
  const normalized = identity(source);
  return groundChunkItems({
    source,
    normalized,
    chunk: { index, text: source.slice(start, end), start, end },
    items,
    verbatimPaths: ["/text"],
    exampleMentions: new Set(),
  }).grounded;
}

function item(
  type: string,
  span: Partial<Span> & { start: number; end: number },
  chunk: number,
): GroundedItem {
  return {
    type,
    span: { text: "", alignment: "exact", ...span },
    attributes: {},
    fieldSpans: {},
    chunk,
  };
}

describe("mergeGroundedItems", () => {
  it("removes the duplicates of two overlapping chunks and keeps the uncut mention", () => {
    const source = "Le ministre Jean Baptiste Colbert écrit à Louvois depuis Versailles.";
    const cut = source.indexOf(" Colbert");
    // Chunk 0 ends inside the name; chunk 1 starts before it, so both see "Jean Baptiste" and "Louvois"
    // lies in neither overlap: it must come through once.
    const first = groundChunk(source, 0, 0, cut, [{ type: "person", text: "Jean Baptiste" }]);
    const second = groundChunk(source, 1, source.indexOf("ministre"), source.length, [
      { type: "person", text: "Jean Baptiste Colbert" },
      { type: "person", text: "Louvois" },
      { type: "place", text: "Versailles" },
    ]);
    const again = groundChunk(source, 2, source.indexOf("Louvois"), source.length, [
      { type: "place", text: "Versailles" },
    ]);
    const merged = mergeGroundedItems([...first, ...second, ...again]);
    expect(merged.map((m) => [m.type, m.span.text, m.chunk])).toEqual([
      ["person", "Jean Baptiste Colbert", 1],
      ["person", "Louvois", 1],
      ["place", "Versailles", 1],
    ]);
  });

  it("prefers an exact mention to a fuzzy one of the same length from another chunk", () => {
    const fuzzy = item("person", { start: 10, end: 19, alignment: "fuzzy", modelText: "Hagenbeck" }, 0);
    const exact = item("person", { start: 10, end: 19 }, 1);
    expect(mergeGroundedItems([fuzzy, exact]).map((m) => m.chunk)).toEqual([1]);
  });

  it("keeps overlapping mentions of one chunk and of different types", () => {
    const merged = mergeGroundedItems([
      item("organization", { start: 0, end: 20 }, 0),
      item("place", { start: 14, end: 20 }, 0),
      item("person", { start: 0, end: 8 }, 0),
      item("person", { start: 0, end: 13 }, 0),
    ]);
    expect(merged.map((m) => [m.type, m.span.start, m.span.end])).toEqual([
      ["person", 0, 8],
      ["person", 0, 13],
      ["organization", 0, 20],
      ["place", 14, 20],
    ]);
  });

  it("resolves a chain of overlaps across chunks to the best mention", () => {
    const merged = mergeGroundedItems([
      item("person", { start: 0, end: 6 }, 0),
      item("person", { start: 4, end: 12 }, 1),
      item("person", { start: 10, end: 14 }, 0),
    ]);
    // The longest (chunk 1) wins over both chunk-0 mentions it overlaps.
    expect(merged.map((m) => [m.span.start, m.span.end])).toEqual([[4, 12]]);
  });

  it("groups mentions of one entity by type and folded text, numbering entities per type, placed in reading order", () => {
    const source = "Paris. Lyon. PARIS. Le journal Paris.";
    const grounded = groundChunk(source, 0, 0, source.length, [
      { type: "place", text: "Paris" },
      { type: "place", text: "Lyon" },
      { type: "place", text: "Paris" },
      { type: "organization", text: "Paris" },
      { type: "place", text: "Paris" },
    ]);
    const merged = mergeGroundedItems(grounded);
    // The organisation is listed after "PARIS": the paper's name is the "Paris" that follows it. The last
    // place is listed after the paper, where only that "Paris" stands.
    expect(merged.map((m) => [m.span.start, m.span.text, m.type, m.entity])).toEqual([
      [0, "Paris", "place", "place-1"],
      [7, "Lyon", "place", "place-2"],
      [13, "PARIS", "place", "place-1"],
      [31, "Paris", "organization", "organization-1"],
      [31, "Paris", "place", "place-1"],
    ]);
  });

  it("puts an OCR-damaged mention in the entity the model read it as", () => {
    const source = "Hagenbeck arrive. M. Hagenbcck repart.";
    const grounded = groundChunk(source, 0, 0, source.length, [
      { type: "person", text: "Hagenbeck" },
      { type: "person", text: "Hagenbeck" },
    ]);
    const merged = mergeGroundedItems(grounded);
    expect(merged.map((m) => [m.span.text, m.entity])).toEqual([
      ["Hagenbeck", "person-1"],
      ["Hagenbcck", "person-1"],
    ]);
  });

  it("cites a mention in the overlap of two passages once, whatever type each passage gave it", () => {
    const merged = mergeGroundedItems([
      item("place", { start: 10, end: 19 }, 0),
      item("organization", { start: 10, end: 19 }, 1),
      item("person", { start: 30, end: 40 }, 1),
      item("organization", { start: 35, end: 45 }, 2),
      // Nested in a longer mention of another type, from another passage: a mention of its own.
      item("place", { start: 60, end: 65 }, 1),
      item("organization", { start: 50, end: 65 }, 2),
    ]);
    // Crossing spans of equal length: the earlier passage's reading is kept.
    expect(merged.map((m) => [m.type, m.span.start, m.chunk])).toEqual([
      ["place", 10, 0],
      ["person", 30, 1],
      ["organization", 50, 2],
      ["place", 60, 1],
    ]);
  });

  it("groups what a reader would group, named by the most frequent form, never across numbers", () => {
    const mention = (text: string, start: number, extra: Partial<Span> = {}) =>
      item("place", { start, end: start + text.length, text, ...extra }, 0);
    const merged = mergeGroundedItems([
      mention("Val-de-Travers", 0),
      mention("Val de-Travers", 20),
      mention("VAL DE TRAVERS", 40),
      mention("deBelidah", 60),
      mention("Bélidah", 80),
      mention("Garnbetta", 100, { modelText: "Gambetta", alignment: "fuzzy" }),
      mention("Gambetta", 120),
      mention("Louis XIV", 140),
      mention("Louis XV", 160),
      mention("1828", 180),
      mention("1829", 190),
      // A near miss names something else: its model text does not join its entity.
      mention("Mets", 200, { modelText: "Metz", alignment: "fuzzy", nearMiss: true }),
      mention("Metz", 210),
    ]);
    expect(merged.map((m) => [m.span.text, m.entity, m.entityName])).toEqual([
      ["Val-de-Travers", "place-1", "Val-de-Travers"],
      ["Val de-Travers", "place-1", "Val-de-Travers"],
      ["VAL DE TRAVERS", "place-1", "Val-de-Travers"],
      ["deBelidah", "place-2", "deBelidah"],
      ["Bélidah", "place-2", "deBelidah"],
      ["Garnbetta", "place-3", "Garnbetta"],
      ["Gambetta", "place-3", "Garnbetta"],
      ["Louis XIV", "place-4", "Louis XIV"],
      ["Louis XV", "place-5", "Louis XV"],
      ["1828", "place-6", "1828"],
      ["1829", "place-7", "1829"],
      ["Mets", "place-8", "Mets"],
      ["Metz", "place-9", "Metz"],
    ]);
    const named = mergeGroundedItems([
      mention("Bélidah", 0),
      mention("deBelidah", 20),
      mention("Bélidah", 40),
    ]);
    expect(named.map((m) => m.entityName)).toEqual(["Bélidah", "Bélidah", "Bélidah"]);
  });

  it("returns mentions sorted by position", () => {
    const merged = mergeGroundedItems([
      item("place", { start: 30, end: 35 }, 1),
      item("person", { start: 2, end: 6 }, 0),
      item("date", { start: 10, end: 14 }, 0),
    ]);
    expect(merged.map((m) => m.span.start)).toEqual([2, 10, 30]);
  });
});
