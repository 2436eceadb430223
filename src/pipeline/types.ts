/**
 * The data that flows between pipeline stages.
 *
 * Offsets inside the pipeline are JavaScript string indices (UTF-16 code units) into
 * `SourceDocument.text`; they are converted to Unicode code points once, at the output boundary
 * (see text/code-points.ts), so every stage can use plain string slicing.
 */

import type {
  Alignment,
  Box,
  DifferenceKind,
  OcrReason,
  Page as OutputPage,
  PageReading,
  RejectionReason,
  Warning,
  XmlReading,
} from "../schemas/extraction.js";
import type { FORMATS } from "./ingest/registry.js";

// The shapes the pipeline shares with its output (the API's Extraction) are declared with it.
export type { Alignment, Box, DifferenceKind, OcrReason, PageReading, RejectionReason, Warning, XmlReading };

/** The media types of the input formats, as the registry lists them. */
export type MediaType = (typeof FORMATS)[number]["mediaType"];

export interface Page {
  /** 1-based page number. */
  number: number;
  /** Half-open [start, end) range of this page in SourceDocument.text (UTF-16 units). */
  start: number;
  end: number;
  /** True when the page has no usable text and must (still) be read by OCR. */
  needsOcr: boolean;
  /** Size of the page image in pixels, the space of every box on this page (OCR and XML pages). */
  width?: number;
  height?: number;
  /** How the page's text was obtained (absent for plain-text files). */
  reading?: PageReading;
  /** Lines and words with their boxes, where the source has them (OCR, ALTO, PAGE, hOCR). */
  layout?: PageLayout;
  /** Of a page read from a IIIF manifest: its canvas, whose space annotations target. */
  canvas?: Canvas;
}

/** A IIIF canvas, as a page of a document read from a manifest keeps it (schemas/extraction.ts). */
export type Canvas = NonNullable<OutputPage["canvas"]>;

/** A word of a page's layout. Offsets are UTF-16 units into SourceDocument.text. */
export interface LayoutWord {
  start: number;
  end: number;
  box?: Box;
  /** Recognition confidence from 0 to 1, where the source gives one. */
  confidence?: number;
}

export interface LayoutLine {
  start: number;
  end: number;
  box?: Box;
  /** The line's own confidence, from 0 to 1, where the source gives one for lines without words. */
  confidence?: number;
  /** Empty when the source only boxes whole lines (Transkribus PAGE, line-level hOCR). */
  words: LayoutWord[];
}

/** The lines of a page in reading order. */
export interface PageLayout {
  lines: LayoutLine[];
}

export interface SourceDocument {
  /** sha256 of the uploaded bytes, hex. */
  id: string;
  mediaType: MediaType;
  /** Character encoding the bytes were decoded from (text files only), e.g. "UTF-8", "windows-1252". */
  encoding?: string;
  byteLength: number;
  /** The text as extracted (decoded file, PDF text layer, OCR output, XML text), pages joined by "\n\n". */
  text: string;
  pages: Page[];
  /** ISO 639-1 code when known (given by the user or detected). */
  language?: string;
  /** Things the user should know about the ingest (pages needing OCR, lossy decoding...). */
  warnings: Warning[];
  /** The title and identifier the source gives (a METS's MODS record, a IIIF manifest). */
  title?: string;
  identifier?: string;
}

/** Text prepared for the model, with a map back to the source. */
export interface NormalizedText {
  text: string;
  /**
   * toSource[i] is the source index of normalised index i; it has text.length + 1 entries so that
   * the end of a half-open range maps too. Monotonic non-decreasing.
   */
  toSource: Int32Array;
}

export interface Chunk {
  index: number;
  /** Normalised text the model sees. */
  text: string;
  /** Range of this chunk in the normalised text. */
  start: number;
  end: number;
}

/** One item the model returned, after schema validation (an object of the profile's item schema). */
export type ModelItem = Record<string, unknown>;

/** A verbatim string of an item located in the source text. Offsets are UTF-16 units inside the pipeline. */
export interface Span {
  start: number;
  end: number;
  /** Exactly SourceDocument.text.slice(start, end). */
  text: string;
  alignment: Alignment;
  /** What the model wrote, when it differs from `text`. */
  modelText?: string;
  /** Of a fuzzy span: letters and digits added, dropped or changed (0 when only case, accents, spacing differ). */
  editDistance?: number;
  /** Of a fuzzy span: what differs, in alphabetical order. */
  differences?: DifferenceKind[];
  /** Over the policy's edit budget, kept because the request asked near misses to be flagged, not rejected. */
  nearMiss?: true;
}

/** A range of the source text (UTF-16 units inside the pipeline). */
export interface TextRange {
  start: number;
  end: number;
  text: string;
}

/** An item of the model's answer whose verbatim fields were all found in the source. */
export interface GroundedItem {
  /** The item's `type` field (profiles require one). */
  type: string;
  /** Where the item's main mention (its `text` field) stands. */
  span: Span;
  /** Every field of the item except `type` and `text`, as validated. */
  attributes: Record<string, unknown>;
  /** Other verbatim fields of the item, keyed by JSON pointer relative to the item (e.g. "/father", "/godparents/0"). */
  fieldSpans: Record<string, Span>;
  /** Chunk the item came from. */
  chunk: number;
  /** What was changed in the model's answer and why (a derived value dropped). */
  warnings?: Warning[];
}

export interface RejectedItem {
  reason: RejectionReason;
  /** A sentence a person can act on. */
  message: string;
  /** The item (or raw output) as the model gave it. */
  item: unknown;
  chunk: number;
  /** outside_passage: where the text does stand in the document (the first few places). */
  occurrences?: TextRange[];
  /** different_number, too_different: the passage's closest text. */
  nearest?: TextRange;
}
