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

  it("groups mentions of one entity by type and folded text, numbering entities per type", () => {
    const source = "Paris. Lyon. PARIS. Le journal Paris.";
    const grounded = groundChunk(source, 0, 0, source.length, [
      { type: "place", text: "Paris" },
      { type: "place", text: "Lyon" },
      { type: "place", text: "Paris" },
      { type: "organization", text: "Paris" },
      { type: "place", text: "Paris" },
    ]);
    const merged = mergeGroundedItems(grounded);
    expect(merged.map((m) => [m.span.text, m.type, m.entity])).toEqual([
      ["Paris", "organization", "organization-1"],
      ["Paris", "place", "place-1"],
      ["Lyon", "place", "place-2"],
      ["PARIS", "place", "place-1"],
      ["Paris", "place", "place-1"],
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

  it("returns mentions sorted by position", () => {
    const merged = mergeGroundedItems([
      item("place", { start: 30, end: 35 }, 1),
      item("person", { start: 2, end: 6 }, 0),
      item("date", { start: 10, end: 14 }, 0),
    ]);
    expect(merged.map((m) => m.span.start)).toEqual([2, 10, 30]);
  });
});
