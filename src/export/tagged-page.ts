/**
 * The PAGE file a result was read from, with its mentions added as Transkribus records tags: in the
 * `custom` attribute of each TextLine a mention covers, `type {offset:N; length:M;}` (offset and length
 * in characters, i.e. code points, of the line's text; `continued:true;` on each part of a mention that
 * runs over several lines). A region transcribed as a whole, without TextLines, gets them on its
 * TextRegion, counted in the region's text. Existing `custom` values (reading order, other tags) are
 * kept, the new tags appended. Everything else stays byte for byte as it came (byte-edits.ts).
 */
import type { Extraction } from "../pipeline/extraction.js";
import { PAGE_FORMAT } from "../pipeline/ingest/registry.js";
import type { TagSpan } from "../pipeline/ingest/xml/walk-xml.js";
import { applyEdits } from "./byte-edits.js";
import { appendToAttribute, onlyEncodable } from "./tagged-edits.js";
import { overlapping, type SourceFiles, taggedSource } from "./tagged-source.js";

export function taggedPage(extraction: Extraction, sources: SourceFiles | undefined): Buffer {
  const { bytes, decoded, elements, mentions, index } = taggedSource(extraction, sources, PAGE_FORMAT);
  const lines = elements.filter(({ item }) => "words" in item);
  const tags = new Map<number, { tag: TagSpan; entries: string[] }>();
  const points = (from: number, to: number) => index.toCodePoint(to) - index.toCodePoint(from);
  for (const { mention, start, end } of mentions) {
    const covered = overlapping(lines, start, end);
    for (const line of covered) {
      const from = Math.max(start, line.start);
      const offset = (line.tag.textOffset ?? 0) + points(line.start, from);
      const length = points(from, Math.min(end, line.end));
      const continued = covered.length > 1 ? " continued:true;" : "";
      const entry = tags.get(line.tag.start) ?? { tag: line.tag, entries: [] };
      entry.entries.push(`${tagName(mention.type)} {offset:${offset}; length:${length};${continued}}`);
      tags.set(line.tag.start, entry);
    }
  }
  const encodable = onlyEncodable(decoded.encoding);
  const edits = [...tags.values()].map(({ tag, entries }) => {
    const edit = appendToAttribute(decoded.text, tag, "custom", entries.join(" "));
    return { ...edit, insert: encodable(edit.insert) };
  });
  return applyEdits(bytes, decoded, edits);
}

/** A type as a custom tag's name: one word without the characters the custom syntax uses. */
function tagName(type: string): string {
  return type.trim().replace(/[\s{}:;]+/g, "_") || "entity";
}
