/**
 * Documents: POST /v1/documents queues one document as a job and answers 202 at once (however large it
 * is, the request is not held); GET /v1/documents lists the stored documents that have a result (the
 * latest result of each document and profile, newest first, paged by cursor) from the figures stored
 * with each result, reading no Extraction; GET /v1/documents/:id tells what is stored of one; GET
 * /v1/documents/:id/entities gives its latest result, the Extraction as /v1/extract answers it, or an
 * export of it; DELETE /v1/documents/:id removes it, its results and its bytes (personal data an
 * archivist must be able to take back). Its pages one by one are in document-pages.ts.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { PalimpsestError } from "../errors.js";
import type { Extraction } from "../pipeline/extraction.js";
import { resolveProfile } from "../profiles/resolve.js";
import { servedExtraction } from "../review/served.js";
import { noContent, refTo } from "../schemas/builders.js";
import { DocumentList, StoredDocument } from "../schemas/document.js";
import { PROFILE_ERRORS } from "../schemas/error.js";
import { ExtractionOutline, Extraction as ExtractionSchema } from "../schemas/extraction.js";
import { DocumentListQuery, EntitiesQuery, IdParams, UploadQuery } from "../schemas/requests.js";
import type { Services } from "../services.js";
import { plainJson } from "./docs.js";
import { documentListView, reviewsOf } from "./document-view.js";
import {
  chosenRepresentation,
  EXTRACTION_REPRESENTATIONS,
  negotiate,
  renderRequestedExport,
  responseContent,
} from "./export-format.js";
import { keepExportSource } from "./export-source.js";
import { DOCUMENT_BODY, QUEUED } from "./extract.js";
import { latestResult } from "./latest-result.js";
import { pageEnd } from "./paging.js";
import { caller } from "./plugins/authentication.js";
import { queueUpload } from "./queue-upload.js";
import { readUpload } from "./upload.js";

export async function documentRoutes(fastify: FastifyInstance, services: Services): Promise<void> {
  const { store, config, blobs } = services;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    "/v1/documents",
    {
      config: { access: "submitter", upload: true },
      schema: {
        operationId: "submitDocument",
        tags: ["documents"],
        summary: "Queue one document; answers 202 with its job",
        description:
          "The same forms as POST /v1/extract (multipart field `file`, JSON `text`, or the raw body). Follow the job at the `Location` it answers; the result is then at /v1/documents/:id/entities.",
        querystring: UploadQuery,
        ...DOCUMENT_BODY,
        response: { 202: QUEUED },
        errorCodes: [...PROFILE_ERRORS, "QUOTA_EXCEEDED"],
      },
    },
    async (request, reply) => {
      const upload = await readUpload(request, reply, config);
      const profile = resolveProfile(services.profiles, upload.options, config.defaultProfile);
      return queueUpload(services, upload, profile, reply, caller(request));
    },
  );

  app.get(
    "/v1/documents",
    {
      config: { access: "reader" },
      schema: {
        operationId: "listDocuments",
        tags: ["documents"],
        summary: "Stored documents with a result, newest result first: one entry per document and profile",
        description:
          "Each entry is the latest result of a document for a profile: a document run with two profiles is listed twice, one run again with the same profile once. `review` says how far people reviewed its record (filter with `review=`). `name` is the file name the document was uploaded under (a batch entry's path in its archive). Paged: pass the `next` of a page as `before` for the page after it (`links.next` is that URL); `next` is absent on the last page. Results stored meanwhile do not shift the pages; a document that gets a newer result meanwhile moves ahead of the first page.",
        querystring: DocumentListQuery,
        response: { 200: refTo(DocumentList) },
      },
    },
    async (request) => {
      const { limit, before, profile, q, mediaType, review } = request.query;
      const { tenant } = caller(request);
      const page = await store.listLatestResults({
        tenant,
        limit,
        before,
        profile,
        mediaType,
        name: q,
        review,
      });
      const reviews = await reviewsOf(store, tenant, page.results);
      return {
        documents: page.results.map((result) => documentListView(result, reviews)),
        ...pageEnd("/v1/documents", { limit, profile, q, mediaType, review }, "before", page.next),
      };
    },
  );

  app.get(
    "/v1/documents/:id",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getDocument",
        tags: ["documents"],
        summary: "A stored document and the results kept for it",
        params: IdParams,
        response: { 200: refTo(StoredDocument) },
        errorCodes: ["NOT_FOUND"],
      },
    },
    async (request) => {
      const { tenant } = caller(request);
      const document = await store.getDocument(request.params.id, tenant);
      if (!document) throw new PalimpsestError("NOT_FOUND", `There is no document ${request.params.id}.`);
      const results = await store.listResults(document.id, tenant);
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

  app.delete(
    "/v1/documents/:id",
    {
      config: { access: "admin" },
      schema: {
        operationId: "deleteDocument",
        tags: ["documents"],
        summary: "Delete a stored document: its bytes, all its results, and its place in finished jobs",
        description:
          "Answers 204. Finished batches that held the document list one document less; the job of its own upload goes with it. Refused with 409 DOCUMENT_IN_USE (the job is named in `job`) while a job that has not finished works on it: cancel that job or wait for it to end. Cached model answers are not deleted (see the README's limitations).",
        params: IdParams,
        response: { 204: noContent("Deleted.") },
        errorCodes: ["NOT_FOUND", "DOCUMENT_IN_USE"],
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const deletion = await store.deleteDocument(id, caller(request).tenant);
      if (deletion.outcome === "missing")
        throw new PalimpsestError("NOT_FOUND", `There is no document ${id}.`);
      if (deletion.outcome === "in-use") {
        const job = deletion.jobId;
        throw new PalimpsestError(
          "DOCUMENT_IN_USE",
          `Document ${id} is in job ${job}, which has not finished: cancel it (POST /v1/jobs/${job}/cancel) or wait for it to end, then delete the document.`,
          { details: { job } },
        );
      }
      // After the rows: a crash in between leaves a file nothing refers to, never a document without bytes.
      // Another tenant that holds the same bytes keeps them.
      if (deletion.orphaned) await blobs.delete(id);
      return reply.code(204).send();
    },
  );

  app.get(
    "/v1/documents/:id/entities",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getDocumentEntities",
        tags: ["documents"],
        summary: "The document's latest result (for a profile when named), as POST /v1/extract answers it",
        description:
          "JSON, or an export asked for with `?format=` or the Accept header (the query wins). With `text=false`, the JSON leaves the text out (ExtractionOutline).",
        params: IdParams,
        querystring: EntitiesQuery,
        response: {
          200: {
            description: "The result, or the export asked for.",
            content: responseContent(EXTRACTION_REPRESENTATIONS, {
              anyOf: [refTo(ExtractionSchema), refTo(ExtractionOutline)],
            }),
          },
        },
        errorCodes: ["NOT_FOUND", "NOT_ACCEPTABLE", "EXPORT_NOT_APPLICABLE"],
      },
      preHandler: negotiate(EXTRACTION_REPRESENTATIONS),
      preSerialization: renderRequestedExport,
      serializerCompiler: plainJson,
    },
    async (request, reply) => {
      const { profile, text } = request.query;
      const result = await latestResult(store, request.params.id, caller(request).tenant, profile);
      // A reviewed document's record: its corrections, each mention's review state.
      const served = await servedExtraction(store, result);
      const extraction = () => JSON.parse(served) as Extraction;
      // Rendered by renderRequestedExport, as for POST /v1/extract.
      keepExportSource(request, () => blobs.read(request.params.id));
      if (chosenRepresentation(request).format !== "json") return extraction();
      // Sent as stored: the Extraction's JSON, not parsed and serialised again.
      if (text) return reply.type("application/json; charset=utf-8").send(served);
      const { text: _, ...outline } = extraction();
      return outline;
    },
  );
}
