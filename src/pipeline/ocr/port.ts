/**
 * The OCR engine port. Both adapters (the native tesseract command, tesseract.js) answer hOCR,
 * which the hOCR importer turns into text, lines, words, boxes and confidences: one reader for OCR
 * output and uploaded hOCR alike.
 */
import type { QuarterTurn } from "./page-geometry.js";

export interface OrientationGuess {
  /** The clockwise turn that sets the page upright. */
  turn: QuarterTurn;
  /** OSD's orientation confidence (0 and up): its margin over the next likeliest orientation; about 10 on a page of text, under 1 when it is guessing. */
  confidence: number;
}

export interface OcrEngine {
  /** Engine and version as recorded with each page, e.g. "tesseract 5.3.0". */
  readonly name: string;
  /** Models (traineddata names) it can use, e.g. "eng", "frk", "script/Fraktur". */
  readonly models: ReadonlySet<string>;
  /**
   * The hOCR of one page image (PNG, JPEG or TIFF bytes) read with the given models. Rejects when
   * the engine fails; stops the engine's work on that page and rejects when `signal` aborts.
   */
  recognize(image: Uint8Array, models: readonly string[], signal: AbortSignal): Promise<string>;
  /**
   * Which way up the page image stands, by tesseract's orientation detection (OSD); present only
   * where the engine has the `osd` model. Undefined when it cannot tell (too little text).
   */
  detectOrientation?(image: Uint8Array, signal: AbortSignal): Promise<OrientationGuess | undefined>;
  /** Ends the engine's processes or workers. */
  close(): Promise<void>;
}
