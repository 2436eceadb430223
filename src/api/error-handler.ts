/**
 * Every error the API answers has the catalogue's shape: `{ error: { code, message, retryable } }`.
 * Fastify's own errors (body too large, bad content type, schema validation) are mapped onto it.
 */
import type { FastifyError, FastifyInstance } from "fastify";
import { type ErrorCode, isPalimpsestError, PalimpsestError } from "../errors.js";

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_REQ_FILE_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_FILES_LIMIT: "BAD_REQUEST",
  FST_PARTS_LIMIT: "BAD_REQUEST",
  FST_FIELDS_LIMIT: "BAD_REQUEST",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_INVALID_MULTIPART_CONTENT_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "BAD_REQUEST",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "BAD_REQUEST",
  FST_ERR_VALIDATION: "BAD_REQUEST",
};

export function uploadTooLarge(maxUploadBytes: number): PalimpsestError {
  return new PalimpsestError(
    "PAYLOAD_TOO_LARGE",
    `The upload is larger than the limit of ${maxUploadBytes} bytes (MAX_UPLOAD_BYTES).`,
    { details: { limit: maxUploadBytes } },
  );
}

export function toPalimpsestError(error: unknown, maxUploadBytes: number): PalimpsestError {
  if (isPalimpsestError(error)) return error;
  const fastifyError = error as FastifyError;
  const code = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (code === "PAYLOAD_TOO_LARGE") return uploadTooLarge(maxUploadBytes);
  if (code) return new PalimpsestError(code, fastifyError.message);
  if (error instanceof SyntaxError || fastifyError.statusCode === 400) {
    return new PalimpsestError("BAD_REQUEST", `The request body could not be read: ${fastifyError.message}`);
  }
  return new PalimpsestError(
    "INTERNAL",
    "Something went wrong inside Palimpsest; the error is in the service log.",
    {
      cause: error,
    },
  );
}

export function registerErrorHandling(app: FastifyInstance, maxUploadBytes: number): void {
  app.setErrorHandler((error, request, reply) => {
    const mapped = toPalimpsestError(error, maxUploadBytes);
    // A client gone mid-request (its body cut off, its connection closed as too slow) is not a failure here.
    if (request.raw.socket?.destroyed) request.log.info({ err: error }, "the client went away");
    else if (mapped.status >= 500) request.log.error({ err: error, code: mapped.code }, "request failed");
    else request.log.info({ code: mapped.code, message: mapped.message }, "request refused");
    // An error that knows when trying again can succeed (a quota, a rate limit) says so the HTTP way too.
    const retryAfter = mapped.details?.retryAfter;
    if (typeof retryAfter === "number") reply.header("retry-after", String(retryAfter));
    return reply.status(mapped.status).send(mapped.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new PalimpsestError(
      "NOT_FOUND",
      `There is no ${request.method} ${request.url}. The API is described at /docs.`,
    );
    return reply.status(404).send(error.toJSON());
  });
}
