/**
 * The result of one document, as the API answers it and the CLI writes it.
 * Every offset here is in Unicode code points, half-open [start, end), into `text`.
 */
import type { Alignment, Box, DifferenceKind, PageReading, RejectedItem, Warning } from "./types.js";

export interface OutputSpan {
  start: number;
  end: number;
  text: string;
  page: number;
  line: number;
  alignment: Alignment;
  modelText?: string;
  /** Of a fuzzy span: letters and digits added, dropped or changed (0 when only case, accents, spacing differ). */
  editDistance?: number;
  /** Of a fuzzy span: what differs from the model's text. */
  differences?: DifferenceKind[];
  /** Over the alignment policy's edit budget, cited only because near misses are flagged, not rejected. */
  nearMiss?: true;
  /** Union of the boxes of the words the span covers, in page pixels (OCR and XML pages). */
  bbox?: Box;
  /** OCR confidence (0-1) of the least sure word the span covers, where the source gives one. */
  confidence?: number;
  /** Set when `confidence` is below OCR_LOW_CONFIDENCE: the reading may be wrong. */
  lowConfidence?: boolean;
}

export interface OutputMention extends OutputSpan {
  /** Stable within the document: m1, m2... in reading order. */
  id: string;
  /** Groups the mentions of one entity (same type, same name as a reader compares names: see the README). */
  entity: string;
  /** The entity's most frequent form in the text. */
  entityName: string;
  type: string;
  attributes: Record<string, unknown>;
  /** What was changed in the model's answer for this mention, and why (a derived value dropped). */
  warnings?: Warning[];
  /** Other verbatim fields of the item located in the text, keyed by JSON pointer. */
  fields?: Record<string, OutputSpan>;
}

/** A range of the text, in code points, with where it stands. */
export interface OutputRange {
  start: number;
  end: number;
  text: string;
  page: number;
  line: number;
}

/** What the model answered that was not kept; offsets in code points. */
export type OutputRejected = Omit<RejectedItem, "occurrences" | "nearest"> & {
  /** outside_passage: where the text does stand in the document (the first few places). */
  occurrences?: OutputRange[];
  /** different_number, too_different: the passage's closest text. */
  nearest?: OutputRange;
};

export interface OutputPage {
  number: number;
  start: number;
  end: number;
  needsOcr: boolean;
  /** Page image size in pixels, the space of the boxes (OCR and XML pages). */
  width?: number;
  height?: number;
  /** How the text was obtained: text layer, OCR (engine, model, why) or an XML export. */
  reading?: PageReading;
}

export interface StageTimings {
  ingest: number;
  normalize: number;
  chunk: number;
  extract: number;
  ground: number;
  total: number;
}

export interface Extraction {
  document: {
    id: string;
    mediaType: string;
    encoding?: string;
    byteLength: number;
    characters: number;
    language?: string;
    languageSource?: "given" | "detected";
    pages: OutputPage[];
    filename?: string;
  };
  profile: { name: string; version: string };
  model: { id: string; server: string; grammar: boolean };
  text: string;
  entities: OutputMention[];
  rejected: OutputRejected[];
  warnings: Warning[];
  stats: {
    chunks: number;
    modelCalls: number;
    retries: number;
    reasks: number;
    splits: number;
    promptTokens: number;
    outputTokens: number;
    /** Milliseconds per stage. */
    timings: StageTimings;
  };
}
