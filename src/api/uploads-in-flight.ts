/**
 * Bounds the document uploads being received at once (routes with `config: { upload: true }`): each
 * takes its declared length (Content-Length; a chunked body, the most it may be: MAX_UPLOAD_BYTES)
 * from MAX_UPLOAD_BYTES_IN_FLIGHT until its response is sent; one that does not fit is answered at
 * once, before a byte of its body is read, with 503 UPLOADS_BUSY and Retry-After. An upload alone is
 * always taken, so one larger than the limit is not refused for ever. A body declared larger than
 * MAX_UPLOAD_BYTES is refused (413) before it is read too.
 */
import type { FastifyInstance } from "fastify";
import type { Config } from "../config.js";
import { PalimpsestError } from "../errors.js";
import { uploadTooLarge } from "./error-handler.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route receives a document upload, counted in MAX_UPLOAD_BYTES_IN_FLIGHT. */
    upload?: boolean;
  }
}

/** Uploads of a few MB end in seconds: a client told to wait this long is likely to get in. */
export const RETRY_AFTER_SECONDS = 5;

export function limitUploadsInFlight(
  app: FastifyInstance,
  config: Pick<Config, "maxUploadBytes" | "maxUploadBytesInFlight">,
): void {
  let inFlight = 0;
  app.addHook("onRequest", async (request, reply) => {
    if (request.routeOptions.config.upload !== true) return;
    const declared = Number(request.headers["content-length"] ?? Number.NaN);
    if (declared > config.maxUploadBytes) throw uploadTooLarge(config.maxUploadBytes);
    const size = Number.isInteger(declared) ? declared : config.maxUploadBytes;
    if (inFlight > 0 && inFlight + size > config.maxUploadBytesInFlight) {
      reply.header("retry-after", String(RETRY_AFTER_SECONDS));
      throw new PalimpsestError(
        "UPLOADS_BUSY",
        `Too many uploads are being received right now (MAX_UPLOAD_BYTES_IN_FLIGHT, ${config.maxUploadBytesInFlight} bytes); send it again in ${RETRY_AFTER_SECONDS} seconds.`,
        { details: { retryAfter: RETRY_AFTER_SECONDS } },
      );
    }
    inFlight += size;
    // "close" comes once the response is sent, or the connection is lost: either way, once.
    reply.raw.once("close", () => {
      inFlight -= size;
    });
  });
}
