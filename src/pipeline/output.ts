/**
 * The output boundary: pipeline offsets (UTF-16 units) become Unicode code points, and every
 * mention gets its page and line.
 */
import type { EndpointInfo } from "../endpoint/port.js";
import type { Profile } from "../profiles/profile.js";
import { CodePointIndex } from "../text/code-points.js";
import type { ExtractStats } from "./extract/extract-chunk.js";
import type {
  Extraction,
  OutputMention,
  OutputRange,
  OutputRejected,
  OutputSpan,
  StageTimings,
} from "./extraction.js";
import type { MergedMention } from "./ground/merge.js";
import { TextLocator } from "./locate.js";
import type { RejectedItem, SourceDocument, Span, TextRange } from "./types.js";

export interface OutputInput {
  document: SourceDocument;
  /** OCR_LOW_CONFIDENCE: mentions with a word below it are flagged. */
  lowConfidence: number;
  languageSource: "given" | "detected";
  filename?: string;
  profile: Profile;
  info: EndpointInfo;
  grammar: boolean;
  mentions: MergedMention[];
  rejected: RejectedItem[];
  stats: Omit<ExtractStats, "grammarApplied"> & { chunks: number; timings: StageTimings };
}

export function toExtraction(input: OutputInput): Extraction {
  const { document } = input;
  const codePoints = new CodePointIndex(document.text);
  const locator = new TextLocator(document.text, document.pages);
  const span = (s: Span): OutputSpan => {
    const { bbox, lineBoxes, confidence } = locator.place(s.start, s.end);
    return {
      start: codePoints.toCodePoint(s.start),
      end: codePoints.toCodePoint(s.end),
      text: s.text,
      page: locator.page(s.start),
      line: locator.line(s.start),
      alignment: s.alignment,
      ...(s.modelText === undefined ? {} : { modelText: s.modelText }),
      ...(s.editDistance === undefined ? {} : { editDistance: s.editDistance }),
      ...(s.differences === undefined ? {} : { differences: s.differences }),
      ...(s.nearMiss ? { nearMiss: s.nearMiss } : {}),
      ...(bbox ? { bbox } : {}),
      ...(lineBoxes ? { lineBoxes } : {}),
      ...(confidence === undefined ? {} : { confidence, lowConfidence: confidence < input.lowConfidence }),
    };
  };
  const entities = input.mentions.map((mention, i): OutputMention => {
    const fields = Object.entries(mention.fieldSpans);
    return {
      id: `m${i + 1}`,
      entity: mention.entity,
      entityName: mention.entityName,
      type: mention.type,
      ...span(mention.span),
      attributes: mention.attributes,
      ...(fields.length > 0 ? { fields: Object.fromEntries(fields.map(([key, s]) => [key, span(s)])) } : {}),
      ...(mention.warnings ? { warnings: mention.warnings } : {}),
    };
  });
  const range = (r: TextRange): OutputRange => ({
    start: codePoints.toCodePoint(r.start),
    end: codePoints.toCodePoint(r.end),
    text: r.text,
    page: locator.page(r.start),
    line: locator.line(r.start),
  });
  const rejected = input.rejected.map(
    ({ occurrences, nearest, ...item }): OutputRejected => ({
      ...item,
      ...(occurrences ? { occurrences: occurrences.map(range) } : {}),
      ...(nearest ? { nearest: range(nearest) } : {}),
    }),
  );
  const { chunks, modelCalls, retries, reasks, splits, promptTokens, outputTokens, timings } = input.stats;
  return {
    document: {
      id: document.id,
      mediaType: document.mediaType,
      ...(document.encoding ? { encoding: document.encoding } : {}),
      byteLength: document.byteLength,
      characters: codePoints.length,
      ...(document.language ? { language: document.language, languageSource: input.languageSource } : {}),
      pages: document.pages.map((p) => ({
        number: p.number,
        start: codePoints.toCodePoint(p.start),
        end: codePoints.toCodePoint(p.end),
        needsOcr: p.needsOcr,
        ...(p.width === undefined ? {} : { width: p.width, height: p.height }),
        ...(p.reading ? { reading: p.reading } : {}),
        ...(p.canvas ? { canvas: p.canvas } : {}),
      })),
      ...(input.filename ? { filename: input.filename } : {}),
      ...(document.title ? { title: document.title } : {}),
      ...(document.identifier ? { identifier: document.identifier } : {}),
    },
    profile: { name: input.profile.name, version: input.profile.version },
    model: { id: input.info.modelId, server: input.info.kind, grammar: input.grammar },
    text: document.text,
    entities,
    rejected,
    warnings: document.warnings,
    stats: { chunks, modelCalls, retries, reasks, splits, promptTokens, outputTokens, timings },
  };
}
