/**
 * The OCR engine port. Both adapters (the native tesseract command, tesseract.js) answer hOCR,
 * which the hOCR importer turns into text, lines, words, boxes and confidences: one reader for OCR
 * output and uploaded hOCR alike.
 */

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
  /** Ends the engine's processes or workers. */
  close(): Promise<void>;
}
