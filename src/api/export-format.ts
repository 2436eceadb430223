/**
 * `?format=jsonl|csv|hipe-tsv|webanno` on the routes that answer an Extraction (POST /v1/extract,
 * GET /v1/documents/:id/entities): the result as an export (see export/formats.ts), with that format's
 * content type and a file name to save it under; `json` (the default) leaves the answer as it is.
 * Each route takes FORMAT_OPTION (and LABELS_OPTION) into its querystring schema (so an unknown format
 * is a 400, and the OpenAPI description lists them) and renderRequestedExport as its preSerialization hook. Error
 * answers keep the catalogue's JSON shape.
 */
import type { preSerializationAsyncHookHandler } from "fastify";
import { BUILT_IN_TYPE_MAPS, namedTypeMap } from "../eval/type-map.js";
import { EXPORT_FORMAT_NAMES, EXPORT_FORMATS, isExportFormat } from "../export/formats.js";
import type { Extraction } from "../pipeline/extraction.js";

export const FORMAT_OPTION = {
  type: "string",
  enum: ["json", ...EXPORT_FORMAT_NAMES],
  description:
    "json (default): the result. jsonl and csv: one mention per line; hipe-tsv: HIPE shared-task TSV; webanno: W3C Web Annotation JSON-LD.",
} as const;

export const LABELS_OPTION = {
  type: "string",
  enum: Object.keys(BUILT_IN_TYPE_MAPS),
  description:
    "hipe-tsv: write a HIPE tag set's labels (hipe2020: pers, loc, org, time, prod) through the type map `palimpsest eval` uses, instead of the profile's types; mentions of a type the map does not name are left out.",
} as const;

/** A successful answer, the Extraction as an object, is rendered in the requested export format. */
export const renderRequestedExport: preSerializationAsyncHookHandler = async (request, reply, payload) => {
  const { format, labels } = request.query as { format?: unknown; labels?: unknown };
  if (reply.statusCode !== 200 || !isExportFormat(format)) return payload;
  const options = typeof labels === "string" ? { labels: await namedTypeMap(labels) } : {};
  const extraction = payload as Extraction;
  const spec = EXPORT_FORMATS[format];
  // A batch entry's name is its path in the archive: the file is saved under its last part.
  const name = extraction.document.filename?.split(/[/\\]/).pop() || extraction.document.id;
  reply.type(spec.contentType).header("content-disposition", attachment(`${name}.${spec.extension}`));
  reply.serializer(() => spec.render([extraction], options));
  return payload;
};

/**
 * RFC 6266: a plain ASCII `filename` every client reads, and the exact name, which may be in any
 * script, as `filename*` for the clients that read it (all current browsers).
 */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  // encodeURIComponent leaves ' ( ) * as they are, which the RFC 8187 syntax does not allow.
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
