/** POST /v1/extract: one document in, its grounded entities out, in the same request. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { checkOcrPages, countOcrPages } from "../auth/quotas.js";
import { requestAlignment } from "../pipeline/ground/policy.js";
import { RAW_UPLOAD_TYPES } from "../pipeline/ingest/registry.js";
import { runPipeline } from "../pipeline/run.js";
import { resolveProfile } from "../profiles/resolve.js";
import { refTo } from "../schemas/builders.js";
import { DOCUMENT_ERRORS, MODEL_ERRORS, PROFILE_ERRORS } from "../schemas/error.js";
import { Extraction } from "../schemas/extraction.js";
import { queued } from "../schemas/job.js";
import { BINARY, DocumentMultipartBody, ExtractJsonBody, ExtractQuery } from "../schemas/requests.js";
import type { Services } from "../services.js";
import { clientGone } from "./client-gone.js";
import { plainJson } from "./docs.js";
import {
  chosenRepresentation,
  EXTRACTION_REPRESENTATIONS,
  negotiate,
  renderRequestedExport,
  responseContent,
} from "./export-format.js";
import { checkUploadExportable, keepExportSource } from "./export-source.js";
import { caller } from "./plugins/authentication.js";
import { queueUpload } from "./queue-upload.js";
import { readUpload } from "./upload.js";

/** Every input format's raw-upload content types (pipeline/ingest/registry.ts). */
const RAW_TYPES = [...RAW_UPLOAD_TYPES];

/** A document's upload as a job: POST /v1/documents, and /v1/extract past EXTRACT_SYNC_MAX_BYTES. */
export const QUEUED = queued(
  "Queued as a job: follow it at `Location` (GET /v1/jobs/:id).",
  "The job: /v1/jobs/:id.",
);

/** The three forms a document comes in: multipart, JSON text, or the raw file with options in the query. */
export const DOCUMENT_BODY = {
  body: { content: { "application/json": { schema: ExtractJsonBody } } },
  documentedBody: {
    "multipart/form-data": { schema: DocumentMultipartBody },
    ...Object.fromEntries(RAW_TYPES.map((type) => [type, { schema: BINARY }])),
  },
};

export async function extractRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { config } = services;
  // Handed over as a stream: upload.ts spools it, never buffering a large one whole.
  app.addContentTypeParser(RAW_TYPES, (_request, payload, done) => done(null, payload));

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    "/v1/extract",
    {
      config: { access: "submitter", upload: true },
      schema: {
        operationId: "extractDocument",
        tags: ["extract"],
        summary: "Extract grounded entities from one document",
        description:
          'Send a document (text, PDF, image, ALTO, PAGE or hOCR) as multipart/form-data (field `file`, optional fields `profile`, `language`, `schema`, `script`, `ocr` and the alignment options), as JSON `{ "text": "..." }`, or as the raw body with the options in the query string. Offsets in the answer are Unicode code points into `text`. The answer is JSON, or an export asked for with `?format=` or the Accept header (the query wins). A document over EXTRACT_SYNC_MAX_BYTES is queued as a job instead (202).',
        querystring: ExtractQuery,
        ...DOCUMENT_BODY,
        response: {
          200: {
            description: "The grounded entities of the document, or the export asked for.",
            content: responseContent(EXTRACTION_REPRESENTATIONS, refTo(Extraction)),
          },
          202: QUEUED,
        },
        errorCodes: [
          ...DOCUMENT_ERRORS,
          ...PROFILE_ERRORS,
          ...MODEL_ERRORS,
          "QUOTA_EXCEEDED",
          "NOT_ACCEPTABLE",
          "EXPORT_NOT_APPLICABLE",
        ],
      },
      preHandler: negotiate(EXTRACTION_REPRESENTATIONS),
      preSerialization: renderRequestedExport,
      serializerCompiler: plainJson,
    },
    async (request, reply) => {
      const principal = caller(request);
      const upload = await readUpload(request, reply, config);
      const profile = resolveProfile(services.profiles, upload.options, config.defaultProfile);
      const { bytes } = upload.content;
      // A large document would hold the request for minutes: it becomes a job, answered 202.
      if (bytes === undefined || bytes.byteLength > config.extractSyncMaxBytes) {
        return queueUpload(services, upload, profile, reply, principal);
      }
      checkUploadExportable(chosenRepresentation(request).format, bytes);
      keepExportSource(request, async () => bytes);
      // Nothing is stored: of the quotas, only the OCR pages of the day count.
      if (principal.keyId) await checkOcrPages(services.store, config, principal.keyId);
      const signal = clientGone(reply);
      const extraction = await runPipeline(
        {
          bytes,
          profile,
          ...(upload.filename ? { filename: upload.filename } : {}),
          ...(upload.options.language ? { language: upload.options.language } : {}),
          ...(upload.options.script ? { script: upload.options.script } : {}),
          ...(upload.options.ocr ? { ocrModels: upload.options.ocr.split("+") } : {}),
          alignment: requestAlignment(upload.options),
          // Its OCR pages take turns with jobs' and other clients' pages.
          requester: `client:${principal.keyId ?? request.ip}`,
          requestId: request.id,
          signal,
        },
        {
          config,
          endpoint: services.endpoint,
          logger: request.log,
          ocr: services.ocr,
          metrics: services.metrics,
        },
      ).catch((error: unknown) => {
        if (!signal.aborted) throw error;
        request.log.info("the client went away: its extraction was stopped");
        return undefined;
      });
      // Nothing can be sent to a client that is gone.
      if (!extraction) return reply.hijack();
      await countOcrPages(services.store, principal.keyId, extraction);
      return extraction;
    },
  );
}
