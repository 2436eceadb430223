/**
 * The routes that answer in several formats: an Extraction (POST /v1/extract, GET
 * /v1/documents/:id/entities) as JSON or as any export of export/formats.ts, a job's results as JSON
 * Lines or CSV. The format is asked for with `?format=` or with the Accept header (the query wins);
 * an Accept that none of the route's formats satisfies is refused with 406 NOT_ACCEPTABLE before any
 * work is done. A route takes `negotiate(...)` as its preHandler; an Extraction route also
 * renderRequestedExport as its preSerialization hook. Error answers keep the catalogue's JSON shape.
 */
import type { FastifyRequest, preHandlerAsyncHookHandler, preSerializationAsyncHookHandler } from "fastify";
import { PalimpsestError } from "../errors.js";
import { namedTypeMap } from "../eval/type-map.js";
import { EXPORT_FORMAT_NAMES, EXPORT_FORMATS, type ExportFormat, isExportFormat } from "../export/formats.js";
import type { Extraction } from "../pipeline/extraction.js";
import { streamed } from "../schemas/builders.js";
import { preferredMediaType } from "./content-negotiation.js";
import { exportSources } from "./export-source.js";

/** One way a route can answer: the `format` that names it and a media type that selects it. */
export interface Representation {
  format: "json" | ExportFormat;
  contentType: string;
}

const JSON_TYPE = "application/json; charset=utf-8";

/** Other names clients know a format's media type by: answered under the name asked for. */
const ALIASES: Partial<Record<ExportFormat, readonly string[]>> = {
  jsonl: ["application/x-ndjson; charset=utf-8"],
};

/** The formats, in the route's order of preference, with every media type that selects each. */
function representationsOf(formats: readonly ("json" | ExportFormat)[]): Representation[] {
  return formats.flatMap((format) =>
    (format === "json" ? [JSON_TYPE] : [EXPORT_FORMATS[format].contentType, ...(ALIASES[format] ?? [])]).map(
      (contentType) => ({ format, contentType }),
    ),
  );
}

/** An Extraction: JSON (the default for no Accept or `*\/*`) or any export. */
export const EXTRACTION_REPRESENTATIONS = representationsOf(["json", ...EXPORT_FORMAT_NAMES]);

/** A job's results, rendered by jobs/results.ts: JSON Lines (the default) or CSV. */
export const RESULT_REPRESENTATIONS = representationsOf(["jsonl", "csv"]);

const essence = (contentType: string) => contentType.split(";")[0]?.trim() ?? contentType;

/**
 * The response content of a negotiated route for OpenAPI (and fastify's serialiser): `json` as the
 * given schema, every other format as text. Formats that share a media type, told apart by its
 * profile (webanno, iiif), are listed under it once, as the first of them.
 */
export function responseContent(representations: readonly Representation[], json?: unknown) {
  const types = representations.map(({ contentType }) => essence(contentType));
  const first = representations.filter((_, i) => types.indexOf(types[i] as string) === i);
  return Object.fromEntries(
    first.map(({ format, contentType }) => [
      essence(contentType),
      { schema: format === "json" && json !== undefined ? json : streamed(`?format=${format}`) },
    ]),
  );
}

const chosen = new WeakMap<FastifyRequest, Representation>();

/** The preHandler that settles the representation of a request, or refuses it with 406. */
export function negotiate(representations: readonly Representation[]): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    reply.header("vary", "accept");
    chosen.set(request, choose(request, representations));
  };
}

/** The representation negotiate() settled for the request. */
export function chosenRepresentation(request: FastifyRequest): Representation {
  const representation = chosen.get(request);
  if (!representation) throw new Error(`${request.routeOptions.url} does not negotiate its format`);
  return representation;
}

function choose(request: FastifyRequest, representations: readonly Representation[]): Representation {
  const { format } = request.query as { format?: unknown };
  const named = representations.find((representation) => representation.format === format);
  if (named) return named;
  const accept = request.headers.accept;
  const offers = representations.map((representation) => representation.contentType);
  const preferred = preferredMediaType(accept, offers);
  const representation = representations.find((candidate) => candidate.contentType === preferred);
  if (representation) return representation;
  const types = [...new Set(offers.map(essence))].join(", ");
  const formats = [...new Set(representations.map((candidate) => candidate.format))].join(", ");
  throw new PalimpsestError(
    "NOT_ACCEPTABLE",
    `The Accept header (${accept}) takes none of the media types this answers in: ${types}. Accept one of them, or ask with ?format= (${formats}).`,
    { details: { accept: [...new Set(offers.map(essence))] } },
  );
}

/** A successful answer, the Extraction as an object, is rendered in the representation negotiated. */
export const renderRequestedExport: preSerializationAsyncHookHandler = async (request, reply, payload) => {
  const representation = chosen.get(request);
  if (reply.statusCode !== 200 || !representation || !isExportFormat(representation.format)) return payload;
  const { labels } = request.query as { labels?: unknown };
  const extraction = payload as Extraction;
  // alto, page: the file the result was read from, which they write the entities into.
  const sources = await exportSources(request, representation.format, extraction);
  const options = {
    ...(typeof labels === "string" ? { labels: await namedTypeMap(labels) } : {}),
    ...(sources ? { sources } : {}),
  };
  const spec = EXPORT_FORMATS[representation.format];
  // A batch entry's name is its path in the archive: the file is saved under its last part.
  const name = extraction.document.filename?.split(/[/\\]/).pop() || extraction.document.id;
  reply
    .type(representation.contentType)
    .header("content-disposition", attachment(`${name}.${spec.extension}`));
  const rendered = spec.render([extraction], options);
  // fastify sends the Buffer of a binary export as it is; its serializer type only names strings.
  reply.serializer(() => rendered as string);
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
