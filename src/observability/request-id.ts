/**
 * Request ids: the one a client or proxy sends in X-Request-Id when it is a sane token, else a new
 * UUID. Fastify makes it the request's id, so it is in every log line of the request (as `requestId`);
 * it is echoed in the answer, kept on the job the request creates, and sent to the model server with
 * every model call made for it.
 */
import { randomUUID } from "node:crypto";
import { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";

export const REQUEST_ID_HEADER = "x-request-id";

/** What is taken as given: a token that cannot forge a log line or a header (no spaces, no newlines). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === "string" && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** The Fastify options that make the request id and name it `requestId` in log lines, as job logs do. */
export function requestIdOptions(): Pick<FastifyServerOptions, "genReqId" | "logController"> {
  return {
    genReqId: (request) => requestIdOf(request.headers[REQUEST_ID_HEADER]),
    logController: new LogController({ requestIdLogLabel: "requestId" }),
  };
}

/** Every answer names its request, errors and 404s included, so a client can quote it when reporting. */
export function echoRequestId(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
