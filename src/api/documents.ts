/**
 * Documents: POST /v1/documents queues one document as a job and answers 202 at once (however large it
 * is, the request is not held); GET /v1/documents/:id tells what is stored of it; GET
 * /v1/documents/:id/entities gives its latest result, the Extraction as /v1/extract answers it, or an
 * export of it. Its pages one by one are in document-pages.ts.
 */
import type { FastifyInstance } from "fastify";
import { PalimpsestError } from "../errors.js";
import { isExportFormat } from "../export/formats.js";
import type { Extraction } from "../pipeline/extraction.js";
import { resolveProfile } from "../profiles/resolve.js";
import type { Services } from "../services.js";
import { FORMAT_OPTION, renderRequestedExport } from "./export-format.js";
import { latestResult } from "./latest-result.js";
import { queueUpload } from "./queue-upload.js";
import { readUpload } from "./upload.js";

const idParams = { type: "object", properties: { id: { type: "string" } }, required: ["id"] } as const;

export async function documentRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { store, config } = services;

  app.post(
    "/v1/documents",
    {
      schema: {
        tags: ["documents"],
        summary: "Queue one document; answers 202 with its job",
        description:
          "The same forms as POST /v1/extract (multipart field `file`, JSON `text`, or the raw body). Follow the job at the `Location` it answers; the result is then at /v1/documents/:id/entities.",
      },
    },
    async (request, reply) => {
      const upload = await readUpload(request);
      const profile = resolveProfile(services.profiles, upload.options, config.defaultProfile);
      return queueUpload(services, upload, profile, reply);
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/documents/:id",
    {
      schema: {
        tags: ["documents"],
        summary: "A stored document and the results kept for it",
        params: idParams,
      },
    },
    async (request) => {
      const document = await store.getDocument(request.params.id);
      if (!document) throw new PalimpsestError("NOT_FOUND", `There is no document ${request.params.id}.`);
      const results = await store.listResults(document.id);
      return {
        id: document.id,
        byteLength: document.byteLength,
        createdAt: new Date(document.createdAt).toISOString(),
        results: results.map((result) => ({
          profile: result.profile,
          pages: result.pages,
          chunks: result.chunks,
          createdAt: new Date(result.createdAt).toISOString(),
        })),
        links: { entities: `/v1/documents/${document.id}/entities` },
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { profile?: string; format?: string; text: boolean } }>(
    "/v1/documents/:id/entities",
    {
      schema: {
        tags: ["documents"],
        summary: "The document's latest result (for a profile when named), as POST /v1/extract answers it",
        params: idParams,
        querystring: {
          type: "object",
          properties: {
            profile: { type: "string" },
            format: FORMAT_OPTION,
            text: {
              type: "boolean",
              default: true,
              description:
                "false leaves the result's `text` out (json only), for clients that read it page by page from /v1/documents/:id/pages/:number.",
            },
          },
        },
      },
      preSerialization: renderRequestedExport,
    },
    async (request, reply) => {
      const { profile, format, text } = request.query;
      const result = await latestResult(store, request.params.id, profile);
      const extraction = () => JSON.parse(result.extraction) as Extraction;
      // Rendered by renderRequestedExport, as for POST /v1/extract.
      if (isExportFormat(format)) return extraction();
      // Sent as stored: the Extraction's JSON, not parsed and serialised again.
      if (text) return reply.type("application/json; charset=utf-8").send(result.extraction);
      const { text: _, ...outline } = extraction();
      return outline;
    },
  );
}
