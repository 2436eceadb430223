/**
 * `POST /v1/extract?format=jsonl|csv|hipe-tsv|webanno`: the result as an export (see export/formats.ts),
 * with that format's content type; `json` (the default) leaves the answer as it is.
 *
 * Registered before the extract routes, it extends the route rather than duplicating it: the
 * `format` query option joins the route's schema (so an unknown format is a 400 before the model is
 * asked, and the OpenAPI description lists it), and a preSerialization hook renders a successful
 * answer. Error answers keep the catalogue's JSON shape.
 */
import type { FastifyInstance, preSerializationAsyncHookHandler, RouteOptions } from "fastify";
import { EXPORT_FORMAT_NAMES, EXPORT_FORMATS, isExportFormat } from "../export/formats.js";
import type { Extraction } from "../pipeline/extraction.js";

const FORMAT_OPTION = {
  type: "string",
  enum: ["json", ...EXPORT_FORMAT_NAMES],
  description:
    "json (default): the result. jsonl and csv: one mention per line; hipe-tsv: HIPE shared-task TSV; webanno: W3C Web Annotation JSON-LD.",
};

const renderExport: preSerializationAsyncHookHandler = async (request, reply, payload) => {
  const format = (request.query as { format?: unknown }).format;
  if (reply.statusCode !== 200 || !isExportFormat(format)) return payload;
  const spec = EXPORT_FORMATS[format];
  reply.type(spec.contentType);
  reply.serializer((result) => spec.render([result as Extraction]));
  return payload;
};

export async function exportFormats(app: FastifyInstance): Promise<void> {
  app.addHook("onRoute", (route: RouteOptions) => {
    if (route.url !== "/v1/extract" || route.method !== "POST") return;
    const querystring = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
    if (querystring?.properties) querystring.properties.format = FORMAT_OPTION;
    const existing = route.preSerialization;
    route.preSerialization = [...(existing ? [existing].flat() : []), renderExport];
  });
}
