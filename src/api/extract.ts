/** POST /v1/extract: one document in, its grounded entities out, in the same request. */
import type { FastifyInstance } from "fastify";
import { checkOcrPages, countOcrPages } from "../auth/quotas.js";
import { requestAlignment } from "../pipeline/ground/policy.js";
import { runPipeline } from "../pipeline/run.js";
import { resolveProfile } from "../profiles/resolve.js";
import type { Services } from "../services.js";
import { ALIGNMENT_QUERY } from "./alignment-options.js";
import { clientGone } from "./client-gone.js";
import { FORMAT_OPTION, LABELS_OPTION, renderRequestedExport } from "./export-format.js";
import { caller } from "./plugins/authentication.js";
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
  // Handed over as a stream: upload.ts spools it, never buffering a large one whole.
  app.addContentTypeParser(RAW_TYPES, (_request, payload, done) => done(null, payload));

  app.post(
    "/v1/extract",
    {
      config: { access: "submitter", upload: true },
      schema: {
        tags: ["extract"],
        summary: "Extract grounded entities from one document",
        description:
          'Send a text file or a PDF as multipart/form-data (field `file`, optional fields `profile`, `language`, `schema`, and the alignment options below), as JSON `{ "text": "..." }`, or as the raw body. Offsets in the answer are Unicode code points into `text`.',
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
            ...ALIGNMENT_QUERY,
            format: FORMAT_OPTION,
            labels: LABELS_OPTION,
          },
        },
      },
      preSerialization: renderRequestedExport,
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
          signal,
        },
        { config, endpoint: services.endpoint, logger: request.log, ocr: services.ocr },
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
