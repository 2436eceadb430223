/**
 * Ingest: bytes in, SourceDocument out. The type is decided from the content (sniff), then the text
 * comes from decoding a text file, a PDF's text layer or OCR, OCR of an image, or an ALTO, PAGE or
 * hOCR file's transcription.
 */
import { createHash } from "node:crypto";
import { PalimpsestError } from "../../errors.js";
import type { OcrHints } from "../ocr/models.js";
import type { OcrReader } from "../ocr/reader.js";
import type { SourceDocument } from "../types.js";
import { readImage } from "./image.js";
import { layoutPages } from "./pages.js";
import { extractPdf } from "./pdf.js";
import { sniff } from "./sniff.js";
import { readXml } from "./xml/index.js";

export interface IngestOptions {
  /** Most pages read from one document (config.maxPages). */
  maxPages: number;
  /** Name the user gave the file; only used to explain a mismatch with its content. */
  filename?: string;
  /** Content type the client declared; likewise only used in explanations. */
  declaredType?: string;
  /** Reads page images. Without it images are refused and PDF pages without text only reported. */
  ocr?: OcrReader;
  /** What the request says of the document's language and script, for the choice of OCR models. */
  hints?: OcrHints;
  /** Who the document is read for (a job, a client), so OCR goes round between them; else its own turn. */
  requester?: string;
  signal?: AbortSignal;
}

export async function ingest(bytes: Uint8Array, options: IngestOptions): Promise<SourceDocument> {
  const id = createHash("sha256").update(bytes).digest("hex");
  const sniffed = sniff(bytes, { filename: options.filename, declaredType: options.declaredType });
  const base = { id, byteLength: bytes.byteLength };
  const request = {
    hints: options.hints ?? {},
    requester: options.requester ?? id,
    signal: options.signal ?? new AbortController().signal,
  };
  if (sniffed.mediaType === "application/pdf") {
    const { text, pages, warnings } = await extractPdf(bytes, { ...options, request });
    return { ...base, mediaType: sniffed.mediaType, text, pages, warnings };
  }
  if ("decoded" in sniffed) {
    const { text, encoding, warnings } = sniffed.decoded;
    const { pages } = layoutPages([{ text, needsOcr: false }]);
    return { ...base, mediaType: sniffed.mediaType, encoding, text, pages, warnings };
  }
  if ("format" in sniffed) {
    const read = readXml(sniffed.format, sniffed.text, options.maxPages);
    return { ...base, mediaType: sniffed.mediaType, ...layoutPages(read.pages), warnings: read.warnings };
  }
  if (!options.ocr)
    throw new PalimpsestError(
      "UNSUPPORTED_MEDIA_TYPE",
      "The file is an image, and no OCR engine is configured to read it. Send a PDF with a text layer, an ALTO, PAGE or hOCR file, or the plain text.",
      { details: { detected: sniffed.mediaType } },
    );
  const read = await readImage(bytes, { maxPages: options.maxPages, ocr: options.ocr, request });
  return { ...base, mediaType: sniffed.mediaType, ...layoutPages(read.pages), warnings: read.warnings };
}
