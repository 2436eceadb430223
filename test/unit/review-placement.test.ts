/**
 * A range a person marks gets the page and line the pipeline would have given a mention there
 * (pipeline/locate.ts), though a stored result keeps no layout: checked at every word of real files
 * read by ingest (an ALTO page, a PDF with a text layer, a plain text with blank lines).
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { TextLocator } from "../../src/pipeline/locate.js";
import type { SourceDocument } from "../../src/pipeline/types.js";
import { ReviewText } from "../../src/review/offsets.js";
import { placeRange } from "../../src/review/placement.js";
import { CodePointIndex } from "../../src/text/code-points.js";
import { KANT_ALTO } from "../support/ocr.js";
import { buildPdf, FRENCH_PAGES } from "../support/pdf-fixtures.js";

/** The stored result's view of a document: its text and its pages in code points, no layout. */
function stored(source: SourceDocument): Extraction {
  const index = new CodePointIndex(source.text);
  return {
    text: source.text,
    document: {
      pages: source.pages.map((page) => ({
        number: page.number,
        start: index.toCodePoint(page.start),
        end: index.toCodePoint(page.end),
        needsOcr: page.needsOcr,
        ...(page.reading ? { reading: page.reading } : {}),
      })),
    },
  } as unknown as Extraction;
}

/** Every word start of the text (UTF-16), where a mention could begin. */
const wordStarts = (text: string) => [...text.matchAll(/\p{L}+/gu)].map((match) => match.index as number);

async function expectPlacedAsThePipeline(bytes: Uint8Array) {
  const source = await ingest(bytes, { maxPages: 100 });
  const locator = new TextLocator(source.text, source.pages);
  const extraction = stored(source);
  const text = new ReviewText(source.text);
  const index = new CodePointIndex(source.text);
  const starts = wordStarts(source.text);
  expect(starts.length).toBeGreaterThan(20);
  const placed = starts.map((at) => placeRange(extraction, text, index.toCodePoint(at)));
  expect(placed).toEqual(starts.map((at) => ({ page: locator.page(at), line: locator.line(at) })));
  return placed;
}

describe("placeRange", () => {
  it("counts the layout's lines of an ALTO page, its blocks set apart by blank lines", async () => {
    const placed = await expectPlacedAsThePipeline(await readFile(KANT_ALTO));
    expect(Math.max(...placed.map((p) => p.line))).toBeGreaterThan(20);
  });

  it("counts a PDF's pages and their lines", async () => {
    const placed = await expectPlacedAsThePipeline(await buildPdf(FRENCH_PAGES));
    expect(new Set(placed.map((p) => p.page)).size).toBe(FRENCH_PAGES.length);
  });

  it("counts every line break of a plain text, blank lines too, after characters outside the BMP", async () => {
    const placed = await expectPlacedAsThePipeline(
      Buffer.from(
        "𝔊𝔬𝔱𝔱 mit uns.\n\nJean Dupuy écrivit\nde Bordeaux.\n\n\nPierre Martin répondit.\n".repeat(4),
      ),
    );
    expect(placed.at(-1)?.line).toBe(28);
  });
});
