/**
 * The file a result was read from, for the exports that write the entities into it (`alto`, `page`):
 * each route that answers an Extraction says where the file's bytes are (the upload, the blob store),
 * and renderRequestedExport loads them only for those exports. POST /v1/extract refuses such an export
 * of a file of another format before any work is done.
 */
import type { FastifyRequest } from "fastify";
import { checkExportApplies, EXPORT_FORMATS, isExportFormat } from "../export/formats.js";
import type { SourceFiles } from "../export/tagged-source.js";
import type { Extraction } from "../pipeline/extraction.js";
import { sniff } from "../pipeline/ingest/sniff.js";

const sources = new WeakMap<FastifyRequest, () => Promise<Uint8Array>>();

export function keepExportSource(request: FastifyRequest, load: () => Promise<Uint8Array>): void {
  sources.set(request, load);
}

/** The request's source file, when the export needs it; none otherwise. */
export async function exportSources(
  request: FastifyRequest,
  format: keyof typeof EXPORT_FORMATS,
  extraction: Extraction,
): Promise<SourceFiles | undefined> {
  const load = sources.get(request);
  if (!("onlyFor" in EXPORT_FORMATS[format]) || !load) return undefined;
  return new Map([[extraction.document.id, await load()]]);
}

/** EXPORT_NOT_APPLICABLE for an `alto` export of a file that is not ALTO, before it is read. */
export function checkUploadExportable(format: string, bytes: Uint8Array): void {
  if (!isExportFormat(format) || !("onlyFor" in EXPORT_FORMATS[format])) return;
  let mediaType: string;
  try {
    mediaType = sniff(bytes).format.mediaType;
  } catch {
    // The pipeline refuses the file itself, with its own error.
    return;
  }
  checkExportApplies(format, mediaType);
}
