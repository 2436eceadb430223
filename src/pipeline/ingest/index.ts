/**
 * Ingest: bytes in, SourceDocument out. The type is decided from the content (sniff), then the text
 * comes from the PDF's text layer or from decoding the text file.
 */
import { createHash } from "node:crypto";
import type { SourceDocument } from "../types.js";
import { layoutPages } from "./pages.js";
import { extractPdf } from "./pdf.js";
import { sniff } from "./sniff.js";

export interface IngestOptions {
  /** Most pages read from one PDF (config.maxPages). */
  maxPages: number;
  /** Name the user gave the file; only used to explain a mismatch with its content. */
  filename?: string;
  /** Content type the client declared; likewise only used in explanations. */
  declaredType?: string;
}

export async function ingest(bytes: Uint8Array, options: IngestOptions): Promise<SourceDocument> {
  const id = createHash("sha256").update(bytes).digest("hex");
  const sniffed = sniff(bytes, { filename: options.filename, declaredType: options.declaredType });
  if (sniffed.mediaType === "application/pdf") {
    const { text, pages, warnings } = await extractPdf(bytes, options.maxPages);
    return { id, mediaType: sniffed.mediaType, byteLength: bytes.byteLength, text, pages, warnings };
  }
  const { text, encoding, warnings } = sniffed.decoded;
  const { pages } = layoutPages([{ text, needsOcr: false }]);
  return { id, mediaType: sniffed.mediaType, encoding, byteLength: bytes.byteLength, text, pages, warnings };
}
