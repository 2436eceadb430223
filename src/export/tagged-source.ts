/**
 * What the tagged ALTO and PAGE exports start from: the file a result was read from, read again with
 * the same reader so every line and word is tied to its element, and the result's mentions as UTF-16
 * ranges of the same text. The file must be the result's (same sha256) and read into the same text;
 * otherwise the tags would land on the wrong words, and the export is refused.
 */
import { createHash } from "node:crypto";
import { PalimpsestError } from "../errors.js";
import type { Extraction, OutputMention } from "../pipeline/extraction.js";
import type { Placements, SourceLine, SourceTag, SourceWord } from "../pipeline/ingest/compose-page.js";
import { type DecodedText, decodeText } from "../pipeline/ingest/decode-text.js";
import { readXml, type XmlImporter } from "../pipeline/ingest/xml/index.js";
import { CodePointIndex } from "../text/code-points.js";

export interface SourceElement {
  item: SourceLine | SourceWord;
  tag: SourceTag;
  /** Its range of the text (UTF-16). */
  start: number;
  end: number;
}

export interface TaggedSource {
  /** The file, checked to be the result's. */
  bytes: Uint8Array;
  decoded: DecodedText;
  /** The lines and words read from an element, in the order of the text. */
  elements: SourceElement[];
  /** The result's mentions with their range of the text (UTF-16). */
  mentions: { mention: OutputMention; start: number; end: number }[];
  index: CodePointIndex;
}

/** Document id to the bytes it was read from, for the exports that edit the original file. */
export type SourceFiles = ReadonlyMap<string, Uint8Array>;

export function taggedSource(
  extraction: Extraction,
  sources: SourceFiles | undefined,
  { importer, mediaType }: { importer: XmlImporter; mediaType: string },
): TaggedSource {
  const { document } = extraction;
  if (document.mediaType !== mediaType)
    throw new PalimpsestError(
      "EXPORT_NOT_APPLICABLE",
      `The ${importer.name} export writes the entities into the ${importer.name} file a document was read from; this document is ${document.mediaType}, not ${importer.name}. Choose tei, webanno or another export.`,
      { details: { mediaType: document.mediaType } },
    );
  const bytes = sources?.get(document.id);
  if (!bytes || createHash("sha256").update(bytes).digest("hex") !== document.id)
    throw new PalimpsestError(
      "EXPORT_NOT_APPLICABLE",
      `The ${importer.name} export needs the file the result was read from (sha256 ${document.id}), which is not at hand. Export it where the document is stored (GET /v1/documents/:id/entities) or pass the file itself.`,
    );
  const decoded = decodeText(bytes);
  const placements: Placements = new Map();
  const read = readXml(importer, decoded.text, Number.POSITIVE_INFINITY, placements);
  if (read.text !== extraction.text)
    throw new PalimpsestError(
      "EXPORT_NOT_APPLICABLE",
      `The ${importer.name} file now reads into another text than the result's (it was made by an earlier version): extract the document again, then export it.`,
    );
  const index = new CodePointIndex(read.text);
  const elements = [...placements].flatMap(([item, range]) =>
    item.tag ? [{ item, tag: item.tag, ...range }] : [],
  );
  const mentions = extraction.entities.map((mention) => ({
    mention,
    start: index.toUtf16(mention.start),
    end: index.toUtf16(mention.end),
  }));
  return { bytes, decoded, elements: elements.sort((a, b) => a.start - b.start), mentions, index };
}

/** The elements of `sorted` (by start, not overlapping each other) that share a character with [start, end). */
export function overlapping<T extends { start: number; end: number }>(
  sorted: readonly T[],
  start: number,
  end: number,
): T[] {
  // The first element that ends after `start`, by binary search.
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as T).end <= start) low = middle + 1;
    else high = middle;
  }
  const found: T[] = [];
  for (let i = low; i < sorted.length && (sorted[i] as T).start < end; i++) found.push(sorted[i] as T);
  return found;
}
