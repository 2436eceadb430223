/**
 * Results whose mentions are placed by offsets (code points), so they may nest and cross, and results
 * of real files read by ingest (ALTO, PAGE...) with mentions found by their text: what the exports
 * are given, without a model.
 */
import type { Extraction, OutputMention } from "../../src/pipeline/extraction.js";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { CodePointIndex } from "../../src/text/code-points.js";
import { extractionOf } from "./extractions.js";

export interface PlacedMention {
  type: string;
  /** Code points into the text. */
  start: number;
  end: number;
  /** The entity; one per mention when absent. */
  entity?: string;
  attributes?: Record<string, unknown>;
}

export function placedExtraction(
  text: string,
  mentions: PlacedMention[],
  document: Partial<Extraction["document"]> = {},
): Extraction {
  const extraction = extractionOf(text, [], document);
  const points = [...text];
  const pageOf = (offset: number) =>
    extraction.document.pages.find((page) => offset >= page.start && offset < page.end)?.number ?? 1;
  extraction.entities = mentions.map(({ type, start, end, entity, attributes }, i): OutputMention => {
    const mentionText = points.slice(start, end).join("");
    return {
      id: `m${i + 1}`,
      entity: entity ?? `${type}-${i + 1}`,
      entityName: mentionText,
      type,
      start,
      end,
      text: mentionText,
      page: pageOf(start),
      line: 1,
      alignment: "exact",
      attributes: attributes ?? {},
    };
  });
  return extraction;
}

/** A file read as the pipeline reads it, with a mention at each given text (the first after the one before). */
export async function fileExtraction(
  bytes: Uint8Array,
  mentions: { type: string; text: string; entity?: string }[],
  filename = "document.xml",
): Promise<Extraction> {
  const source = await ingest(bytes, { maxPages: 10_000 });
  const index = new CodePointIndex(source.text);
  let from = 0;
  const placed = mentions.map(({ type, text, entity }): PlacedMention => {
    const at = source.text.indexOf(text, from);
    if (at < 0) throw new Error(`"${text}" is not in the text of ${filename}`);
    from = at + text.length;
    return {
      type,
      start: index.toCodePoint(at),
      end: index.toCodePoint(from),
      ...(entity ? { entity } : {}),
    };
  });
  return placedExtraction(source.text, placed, {
    id: source.id,
    mediaType: source.mediaType,
    byteLength: source.byteLength,
    characters: index.length,
    filename,
    pages: source.pages.map((page) => ({
      number: page.number,
      start: index.toCodePoint(page.start),
      end: index.toCodePoint(page.end),
      needsOcr: page.needsOcr,
    })),
  });
}
