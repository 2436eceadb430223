/** POST /v1/extract: one document in, its grounded entities out, in the same request. */
import type { FastifyInstance } from "fastify";
import { runPipeline } from "../pipeline/run.js";
import { resolveProfile } from "../profiles/resolve.js";
import type { Services } from "../services.js";
import { FORMAT_OPTION, renderRequestedExport } from "./export-format.js";
import { queueUpload } from "./queue-upload.js";
import { readUpload } from "./upload.js";

const RAW_TYPES = [
  "application/pdf",
  "application/octet-stream",
  "text/plain",
  ...["image/png", "image/jpeg", "image/tiff", "image/webp", "image/gif"],
  ...["application/xml", "text/xml", "application/xhtml+xml", "text/html"],
];

export async function extractRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { config } = services;
  app.addContentTypeParser(
    RAW_TYPES,
    { parseAs: "buffer", bodyLimit: config.maxUploadBytes },
    (_request, body, done) => done(null, body),
  );

  app.post(
    "/v1/extract",
    {
      schema: {
        tags: ["extract"],
        summary: "Extract grounded entities from one document",
        description:
          'Send a text file or a PDF as multipart/form-data (field `file`, optional fields `profile`, `language`, `schema`), as JSON `{ "text": "..." }`, or as the raw body. Offsets in the answer are Unicode code points into `text`.',
        consumes: ["multipart/form-data", "application/json", ...RAW_TYPES],
        querystring: {
          type: "object",
          properties: {
            profile: { type: "string", description: "Name of an extraction profile (GET /v1/schemas)." },
            language: {
              type: "string",
              description: "ISO 639-1 code of the document's language; detected when absent.",
            },
            filename: { type: "string", description: "Name of a raw-body upload, kept with the result." },
            script: {
              type: "string",
              description: "ISO 15924 script of a scan, e.g. Latf (Fraktur): chooses the OCR models.",
            },
            ocr: {
              type: "string",
              description:
                'Tesseract models for scans, joined by "+" (e.g. frk, ita_old+lat); overrides the choice.',
            },
            format: FORMAT_OPTION,
          },
        },
      },
      preSerialization: renderRequestedExport,
    },
    async (request, reply) => {
      const upload = await readUpload(request);
      const profile = resolveProfile(services.profiles, upload.options, config.defaultProfile);
      // A large document would hold the request for minutes: it becomes a job, answered 202.
      if (upload.bytes.byteLength > config.extractSyncMaxBytes) {
        return queueUpload(services, upload, profile, reply);
      }
      const controller = new AbortController();
      // A client that hangs up should not keep the model busy.
      request.raw.once("close", () => {
        if (!request.raw.complete || request.raw.destroyed) controller.abort();
      });
      return runPipeline(
        {
          bytes: upload.bytes,
          profile,
          ...(upload.filename ? { filename: upload.filename } : {}),
          ...(upload.options.language ? { language: upload.options.language } : {}),
          ...(upload.options.script ? { script: upload.options.script } : {}),
          ...(upload.options.ocr ? { ocrModels: upload.options.ocr.split("+") } : {}),
          signal: controller.signal,
        },
        { config, endpoint: services.endpoint, logger: request.log, ocr: services.ocr },
      );
    },
  );
}
