/**
 * Ingest: bytes in, SourceDocument out. The format is decided from the content (sniff, against the
 * formats of registry.ts), then that format's reader gives the text: a text file decoded, a PDF's text
 * layer or OCR, OCR of an image, an ALTO, PAGE or hOCR file's transcription.
 */
import { createHash } from "node:crypto";
import type { OcrHints } from "../ocr/models.js";
import type { OcrReader } from "../ocr/reader.js";
import type { SourceDocument } from "../types.js";
import type { ReadDocument } from "./input-format.js";
import type { LinkedReading } from "./linked.js";
import { sniff } from "./sniff.js";

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
  /** How documents that point to other files (METS packages, IIIF manifests) reach and bound them. */
  linked?: LinkedReading;
}

export async function ingest(bytes: Uint8Array, options: IngestOptions): Promise<SourceDocument> {
  const id = createHash("sha256").update(bytes).digest("hex");
  const { format, decoded } = sniff(bytes, {
    filename: options.filename,
    declaredType: options.declaredType,
  });
  const read: ReadDocument = await format.read(decoded ? { bytes, decoded } : { bytes }, {
    maxPages: options.maxPages,
    ...(options.ocr ? { ocr: options.ocr } : {}),
    ...(options.linked ? { linked: options.linked } : {}),
    request: {
      hints: options.hints ?? {},
      requester: options.requester ?? id,
      signal: options.signal ?? new AbortController().signal,
    },
  });
  return {
    id,
    byteLength: bytes.byteLength,
    mediaType: format.mediaType,
    ...(read.encoding === undefined ? {} : { encoding: read.encoding }),
    text: read.text,
    pages: read.pages,
    warnings: read.warnings,
    ...(read.title === undefined ? {} : { title: read.title }),
    ...(read.identifier === undefined ? {} : { identifier: read.identifier }),
  };
}
