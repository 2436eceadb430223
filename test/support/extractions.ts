/**
 * Results to export, built by hand with the shape the pipeline gives: a text with characters outside
 * the BMP before its mentions (so code point and UTF-16 offsets differ), a name hyphenated across a
 * line break, attributes, and optionally image boxes and OCR confidences as OCR pages have them.
 */
import type { Extraction, OutputMention } from "../../src/pipeline/extraction.js";
import { CodePointIndex } from "../../src/text/code-points.js";

export const LETTER_TEXT =
  '𝔊𝔬𝔱𝔱 🎉\nJean-Bap-\ntiste Colbert naquit à Reims, le 29 août 1619.\n\nIl dit : « Vive le roi, "sire" ».';

interface MentionSpec {
  type: string;
  text: string;
  modelText?: string;
  attributes?: Record<string, unknown>;
  bbox?: { x: number; y: number; width: number; height: number };
  confidence?: number;
  lowConfidence?: boolean;
}

export function extractionOf(
  text: string,
  specs: MentionSpec[],
  document: Partial<Extraction["document"]> & { pageSize?: { width: number; height: number } } = {},
): Extraction {
  const index = new CodePointIndex(text);
  let from = 0;
  const entities = specs.map((spec, i): OutputMention => {
    const at = text.indexOf(spec.text, from);
    if (at < 0) throw new Error(`"${spec.text}" is not in the text`);
    from = at + spec.text.length;
    return {
      id: `m${i + 1}`,
      entity: `${spec.type}-${i + 1}`,
      entityName: spec.text,
      type: spec.type,
      start: index.toCodePoint(at),
      end: index.toCodePoint(at + spec.text.length),
      text: spec.text,
      page: 1,
      line: text.slice(0, at).split("\n").length,
      alignment: spec.modelText ? "fuzzy" : "exact",
      ...(spec.modelText ? { modelText: spec.modelText } : {}),
      attributes: spec.attributes ?? {},
      ...(spec.bbox ? { bbox: spec.bbox } : {}),
      ...(spec.confidence === undefined
        ? {}
        : { confidence: spec.confidence, lowConfidence: spec.lowConfidence }),
    } as OutputMention;
  });
  const { pageSize, ...about } = document;
  return {
    document: {
      id: "c627ad28719e3a7ed9b331a71b5af32fa48af9a816e5968ba79f8706172f04ff",
      mediaType: "text/plain",
      encoding: "UTF-8",
      byteLength: new TextEncoder().encode(text).length,
      characters: index.length,
      language: "fr",
      languageSource: "given",
      pages: [{ number: 1, start: 0, end: index.length, needsOcr: false, ...(pageSize ?? {}) }],
      filename: "lettre.txt",
      ...about,
    },
    profile: { name: "default", version: "1.0.0" },
    model: { id: "bigscience/bloomz-560m", server: "tgi", grammar: true },
    text,
    entities,
    rejected: [],
    warnings: [],
    stats: {
      chunks: 1,
      modelCalls: 1,
      retries: 0,
      reasks: 0,
      splits: 0,
      promptTokens: 0,
      outputTokens: 0,
      timings: { ingest: 0, normalize: 0, chunk: 0, extract: 0, ground: 0, total: 0 },
    },
  };
}

/** The letter with its four mentions, as the pipeline reports them. */
export function letterExtraction(): Extraction {
  return extractionOf(LETTER_TEXT, [
    { type: "person", text: "Jean-Bap-\ntiste Colbert", modelText: "Jean-Baptiste Colbert" },
    { type: "place", text: "Reims", attributes: { kind: "city" } },
    { type: "date", text: "29 août 1619", attributes: { value: "1619-08-29" } },
    { type: "work", text: 'Vive le roi, "sire"', attributes: { kind: "music", authors: ["anon."] } },
  ]);
}
