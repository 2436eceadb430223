/**
 * Jobs: GET /v1/jobs (recent jobs, newest first, paged by cursor), GET /v1/jobs/:id (state and
 * progress), GET /v1/jobs/:id/documents (its documents in source order, paged), GET /v1/jobs/:id/events
 * (state and progress, live, as Server-Sent Events), POST /v1/jobs/:id/cancel, GET /v1/jobs/:id/results
 * (JSON Lines or CSV, streamed from the store), DELETE /v1/jobs/:id (a finished job, with the archive
 * its upload left, if any; its documents and results stay, as other jobs may share them). Closing the
 * app stops the job workers (SHUTDOWN_GRACE_MS) and closes the store.
 */
import { rm } from "node:fs/promises";
import { PassThrough } from "node:stream";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { PalimpsestError } from "../errors.js";
import { csvOf, jsonLinesOf, resultLines } from "../jobs/results.js";
import { uploadedArchive } from "../jobs/submit.js";
import { jobProgressView, reviewKey } from "../review/progress.js";
import { noContent, refTo, streamed } from "../schemas/builders.js";
import { Job, JobDocumentList, JobList } from "../schemas/job.js";
import { IdParams, JobDocumentsQuery, JobListQuery, ResultsQuery } from "../schemas/requests.js";
import { closeServices, type Services } from "../services.js";
import { reviewsOf } from "./document-view.js";
import {
  chosenRepresentation,
  negotiate,
  RESULT_REPRESENTATIONS,
  type Representation,
  responseContent,
} from "./export-format.js";
import { findJob, jobDocumentView, jobView } from "./job-view.js";
import { pageEnd } from "./paging.js";
import { caller } from "./plugins/authentication.js";

/** Progress events are sent at most this often, however fast documents finish. */
const EVENT_INTERVAL_MS = 250;
/** A comment line keeps proxies from closing a stream on which nothing changed for a while. */
const KEEP_ALIVE_MS = 15_000;

/** A job's results as GET /v1/jobs/:id/results and GET /v1/batches/:id/results answer them. */
export const RESULTS_SCHEMA = {
  querystring: ResultsQuery,
  response: {
    200: {
      description:
        "JSON Lines: one line per entry (done with its Extraction, failed with its error, skipped with why); CSV: one row per mention.",
      content: responseContent(RESULT_REPRESENTATIONS),
    },
  },
  errorCodes: ["NOT_FOUND", "NOT_ACCEPTABLE"] as const,
};

/** Streams a job's results in the representation negotiated; shared with GET /v1/batches/:id/results. */
export function sendResults(reply: FastifyReply, services: Services, jobId: string, as: Representation) {
  const lines = resultLines(services.store, jobId);
  return reply.type(as.contentType).send(as.format === "csv" ? csvOf(lines) : jsonLinesOf(lines));
}

export async function jobRoutes(fastify: FastifyInstance, services: Services): Promise<void> {
  const { store, jobs } = services;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const streams = new Set<PassThrough>();
  app.addHook("preClose", async () => {
    // Open event streams would keep the server from closing; they end first.
    for (const stream of streams) stream.end();
    // The workers stop taking documents and start their grace period now, while the server lets the
    // requests in flight finish, rather than after.
    // A failure is reported by onClose, which waits for the same stop.
    jobs.stop().catch(() => {});
  });
  app.addHook("onClose", () => closeServices(services));

  app.get(
    "/v1/jobs",
    {
      config: { access: "reader" },
      schema: {
        operationId: "listJobs",
        tags: ["jobs"],
        summary: "Recent jobs, newest first, each as GET /v1/jobs/:id answers it",
        description:
          "Paged: pass the `next` of a page as `before` for the page after it (`links.next` is that URL); `next` is absent on the last page. Jobs created meanwhile do not shift the pages.",
        querystring: JobListQuery,
        response: { 200: refTo(JobList) },
      },
    },
    async (request) => {
      const { limit, before, kind, state } = request.query;
      const { tenant } = caller(request);
      const page = await store.listRecentJobs({ tenant, limit, before, kind, state });
      const now = Date.now();
      return {
        jobs: await Promise.all(page.jobs.map((job) => jobView(services, job, now))),
        ...pageEnd("/v1/jobs", { limit, kind, state }, "before", page.next),
      };
    },
  );

  app.get(
    "/v1/jobs/:id",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getJob",
        tags: ["jobs"],
        summary: "A job's state and progress",
        params: IdParams,
        response: { 200: refTo(Job) },
        errorCodes: ["NOT_FOUND"],
      },
    },
    async (request) => jobView(services, await findJob(store, request.params.id, caller(request).tenant)),
  );

  app.get(
    "/v1/jobs/:id/documents",
    {
      config: { access: "reader" },
      schema: {
        operationId: "listJobDocuments",
        tags: ["jobs"],
        summary: "A job's documents in source order: state, attempts, error, figures and links to results",
        description:
          "Paged: pass the `next` of a page as `after` for the page after it (`links.next` is that URL); `next` is absent on the last page. `review` adds up how far people reviewed the records of all the job's documents done.",
        params: IdParams,
        querystring: JobDocumentsQuery,
        response: { 200: refTo(JobDocumentList) },
        errorCodes: ["NOT_FOUND"],
      },
    },
    async (request) => {
      const job = await findJob(store, request.params.id, caller(request).tenant);
      const { limit, after, state } = request.query;
      // One task more than asked tells whether there is a next page.
      const tasks = await store.listTasks(job.id, { limit: limit + 1, after, state });
      const page = tasks.slice(0, limit);
      const next = tasks.length > limit ? page.at(-1)?.id : undefined;
      const { profile } = job.spec;
      const reviews = await reviewsOf(
        store,
        job.tenant,
        page.map(({ documentId }) => ({ documentId, profile })),
      );
      return {
        documents: page.map((task) =>
          jobDocumentView(task, profile, reviews.get(reviewKey({ documentId: task.documentId, profile }))),
        ),
        review: jobProgressView(await store.jobReviewCounts(job.id)),
        ...pageEnd(`/v1/jobs/${job.id}/documents`, { limit, state }, "after", next),
      };
    },
  );

  app.post(
    "/v1/jobs/:id/cancel",
    {
      config: { access: "submitter" },
      schema: {
        operationId: "cancelJob",
        tags: ["jobs"],
        summary: "Cancel a job: documents not started are dropped, those in progress stopped",
        params: IdParams,
        response: { 200: refTo(Job) },
        errorCodes: ["NOT_FOUND"],
      },
    },
    async (request) => {
      // Checked first: another tenant's job is not there to be cancelled.
      const { tenant } = caller(request);
      const { id } = await findJob(store, request.params.id, tenant);
      return jobView(services, (await jobs.cancel(id)) ?? (await findJob(store, id, tenant)));
    },
  );

  app.delete(
    "/v1/jobs/:id",
    {
      config: { access: "admin" },
      schema: {
        operationId: "deleteJob",
        tags: ["jobs"],
        summary: "Delete a finished job: its tasks and skipped entries; its documents and results stay",
        description:
          "Answers 204. A job not finished (unpacking or running) is refused with 409 JOB_ACTIVE: cancel it first (POST /v1/jobs/:id/cancel). Documents are shared by every job that holds the same bytes: delete them with DELETE /v1/documents/:id.",
        params: IdParams,
        response: { 204: noContent("Deleted.") },
        errorCodes: ["NOT_FOUND", "JOB_ACTIVE"],
      },
    },
    async (request, reply) => {
      const job = await findJob(store, request.params.id, caller(request).tenant);
      // "missing" now means another request deleted it meanwhile: gone, as asked.
      if ((await store.deleteJob(job.id)) === "active")
        throw new PalimpsestError(
          "JOB_ACTIVE",
          `Job ${job.id} has not finished: cancel it first (POST /v1/jobs/${job.id}/cancel), then delete it once it has stopped.`,
        );
      // Normally gone once read; still there when the process stopped in between.
      const archive = uploadedArchive(job);
      if (archive) await rm(archive, { force: true });
      return reply.code(204).send();
    },
  );

  app.get(
    "/v1/jobs/:id/results",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getJobResults",
        tags: ["jobs"],
        summary: "A job's results, streamed: one line per entry (JSON Lines) or one row per mention (CSV)",
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

  app.get(
    "/v1/jobs/:id/events",
    {
      config: { access: "reader" },
      schema: {
        operationId: "getJobEvents",
        tags: ["jobs"],
        summary: "Live progress as Server-Sent Events: `progress` events, then `end` when the job is over",
        params: IdParams,
        response: {
          200: {
            description: "`event: progress` then `event: end`, each with the Job as its `data` (JSON).",
            content: { "text/event-stream": { schema: streamed("Server-Sent Events.") } },
          },
        },
        errorCodes: ["NOT_FOUND"],
      },
    },
    async (request, reply) => {
      const { tenant } = caller(request);
      const id = (await findJob(store, request.params.id, tenant)).id;
      const stream = new PassThrough();
      streams.add(stream);
      let last = "";
      let timer: NodeJS.Timeout | undefined;
      const send = async () => {
        if (stream.writableEnded) return;
        const job = await findJob(store, id, tenant);
        const data = JSON.stringify(await jobView(services, job));
        if (data !== last) stream.write(`event: progress\ndata: ${data}\n\n`);
        last = data;
        if (job.state === "done" || job.state === "failed" || job.state === "cancelled") {
          stream.end(`event: end\ndata: ${data}\n\n`);
        }
      };
      const schedule = () => {
        timer ??= setTimeout(() => {
          timer = undefined;
          send().catch((error: unknown) => stream.destroy(error as Error));
        }, EVENT_INTERVAL_MS);
      };
      const off = jobs.onChange((changed) => {
        if (changed === id) schedule();
      });
      // Also once a second: the rate and ETA move, and another process may be doing the work.
      const ticker = setInterval(schedule, 1000);
      const keepAlive = setInterval(() => stream.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
      stream.once("close", () => {
        off();
        clearInterval(ticker);
        clearInterval(keepAlive);
        clearTimeout(timer);
        streams.delete(stream);
      });
      // The response closes when the client goes away (the request's own close only means it was read).
      reply.raw.once("close", () => stream.destroy());
      await send();
      return reply
        .type("text/event-stream; charset=utf-8")
        .header("cache-control", "no-cache")
        .header("x-accel-buffering", "no")
        .send(stream);
    },
  );
}
