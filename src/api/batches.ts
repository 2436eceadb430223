/**
 * Batches: POST /v1/batches takes a ZIP or TAR (streamed to disk), or the URL of a IIIF manifest or
 * collection (JSON), and answers 202 with the batch, a job that unpacks the archive (fetches the
 * manifests) in the background and then extracts every document in it;
 * GET /v1/batches/:id is the job with the entries that were skipped; GET /v1/batches/:id/results its
 * results (as GET /v1/jobs/:id/results).
 */
import { rm } from "node:fs/promises";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Static } from "typebox";
import { jobOwner } from "../auth/authenticator.js";
import { admitWork } from "../auth/quotas.js";
import { submitArchive, submitBatch } from "../jobs/submit.js";
import { resolveProfile } from "../profiles/resolve.js";
import { RemoteFetcher, remoteRules } from "../remote/fetcher.js";
import { refTo } from "../schemas/builders.js";
import { PROFILE_ERRORS } from "../schemas/error.js";
import { Batch, queued } from "../schemas/job.js";
import {
  ArchiveMultipartBody,
  BINARY,
  IdParams,
  ManifestBatchBody,
  UploadQuery,
} from "../schemas/requests.js";
import type { Services } from "../services.js";
import type { JobRecord } from "../store/port.js";
import { ARCHIVE_TYPES, receiveArchive } from "./archive-upload.js";
import { chosenRepresentation, negotiate, RESULT_REPRESENTATIONS } from "./export-format.js";
import { findJob, jobSpec, jobView } from "./job-view.js";
import { RESULTS_SCHEMA, sendResults } from "./jobs.js";
import { caller } from "./plugins/authentication.js";
import { pickOptions } from "./upload.js";

/** Skipped entries listed with a batch; all of them are in its results. */
const SKIPPED_SHOWN = 100;

export async function batchRoutes(fastify: FastifyInstance, services: Services): Promise<void> {
  const { store, config } = services;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  /** 202 with the new batch and where to follow it. */
  const accepted = async (reply: FastifyReply, job: JobRecord) =>
    reply
      .code(202)
      .header("location", `/v1/batches/${job.id}`)
      .send(await jobView(services, job));

  // Its own scope: an archive body is handed over as a stream, not read into a buffer as elsewhere.
  await app.register(async (scope) => {
    for (const type of ARCHIVE_TYPES)
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
    scope.addContentTypeParser(ARCHIVE_TYPES, (_request, payload, done) => done(null, payload));

    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      "/v1/batches",
      {
        config: { access: "submitter" },
        schema: {
          operationId: "submitBatch",
          tags: ["batches"],
          summary:
            "Queue every document of a ZIP or TAR archive, or of a IIIF manifest; answers 202 with the batch",
          description:
            'Multipart (field `file`, optional fields `profile`, `language`, `schema`, `script`, `ocr`, `fuzzy`, `maxEditRatio`, `nearMisses`) or the raw archive as the body, options (and `filename`, the archive\'s name) in the query string. Entries that are not documents, unsafe paths, links and encrypted entries are skipped and listed; an archive past the ARCHIVE_MAX_* limits fails the batch. A METS file in the archive is one document with the files it lists. Or JSON: `{"manifest": URL}` of a IIIF manifest (one document) or collection (a document per manifest), fetched from a host of IIIF_ALLOWED_HOSTS.',
          querystring: UploadQuery,
          body: { content: { "application/json": { schema: ManifestBatchBody } } },
          documentedBody: {
            "multipart/form-data": { schema: ArchiveMultipartBody },
            ...Object.fromEntries(ARCHIVE_TYPES.map((type) => [type, { schema: BINARY }])),
          },
          response: {
            202: queued(
              "The batch, queued: follow it at `Location` (GET /v1/batches/:id).",
              "The batch: /v1/batches/:id.",
            ),
          },
          errorCodes: [
            ...PROFILE_ERRORS,
            "QUOTA_EXCEEDED",
            "UNSUPPORTED_MEDIA_TYPE",
            "PAYLOAD_TOO_LARGE",
            "REMOTE_NOT_ALLOWED",
          ],
        },
      },
      async (request, reply) => {
        const principal = caller(request);
        // Before the archive is received; its entries count against the stored bytes as they are unpacked.
        await admitWork(store, config, principal, { job: true, bytes: 0 });
        if (isManifestBatch(request.body)) {
          const { manifest } = request.body;
          // Refused at once when no fetch of it could be allowed; DNS and the server are met in the background.
          new RemoteFetcher(remoteRules(config)).check(manifest, "The manifest");
          const options = { ...pickOptions(request.query), ...pickOptions(request.body) };
          const job = await submitBatch(services, {
            source: { kind: "manifest", path: manifest },
            spec: jobSpec(resolveProfile(services.profiles, options, config.defaultProfile), options),
            owner: jobOwner(principal),
            requestId: request.id,
          });
          return accepted(reply, job);
        }
        const { file, options, filename } = await receiveArchive(request, config);
        let spec: ReturnType<typeof jobSpec>;
        try {
          spec = jobSpec(resolveProfile(services.profiles, options, config.defaultProfile), options);
        } catch (error) {
          await rm(file, { force: true });
          throw error;
        }
        const job = await submitArchive(services, {
          archive: file,
          ...(filename ? { filename } : {}),
          spec,
          owner: jobOwner(principal),
          requestId: request.id,
        });
        return accepted(reply, job);
      },
    );
  });

  app.get(
    "/v1/batches/:id",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getBatch",
        tags: ["batches"],
        summary: "A batch: state, progress, and the entries skipped",
        params: IdParams,
        response: { 200: refTo(Batch) },
        errorCodes: ["NOT_FOUND"],
      },
    },
    async (request) => {
      const job = await findJob(store, request.params.id, caller(request).tenant);
      return {
        ...(await jobView(services, job)),
        skipped: await store.listSkipped(job.id, { limit: SKIPPED_SHOWN }),
      };
    },
  );

  app.get(
    "/v1/batches/:id/results",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getBatchResults",
        tags: ["batches"],
        summary: "The batch's results, streamed (as GET /v1/jobs/:id/results)",
        params: IdParams,
        ...RESULTS_SCHEMA,
      },
      preHandler: negotiate(RESULT_REPRESENTATIONS),
    },
    async (request, reply) => {
      await findJob(store, request.params.id, caller(request).tenant);
      return sendResults(reply, services, request.params.id, chosenRepresentation(request));
    },
  );
}

/** A JSON body (a IIIF manifest's URL), as its schema validated it; an archive's body is a stream. */
function isManifestBatch(body: unknown): body is Static<typeof ManifestBatchBody> {
  return (
    typeof body === "object" && body !== null && typeof (body as { manifest?: unknown }).manifest === "string"
  );
}
