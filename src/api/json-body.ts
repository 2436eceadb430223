/**
 * JSON bodies are parsed whole, in the event loop: 48 MB of JSON holds it for about 2 s, so a JSON body
 * past JSON_MAX_BYTES is refused before parsing. Documents that large come as files (multipart or a raw
 * body), which are streamed to disk.
 */
import type { FastifyInstance } from "fastify";
import { PalimpsestError } from "../errors.js";

export function limitJsonBodies(app: FastifyInstance, maxBytes: number): void {
  const parseJson = app.getDefaultJsonParser("error", "ignore");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    if (Buffer.byteLength(text) > maxBytes) {
      done(
        new PalimpsestError(
          "PAYLOAD_TOO_LARGE",
          `A JSON body is limited to ${maxBytes} bytes (JSON_MAX_BYTES); send a document this large as a file (multipart field "file", or the raw body).`,
          { details: { limit: maxBytes } },
        ),
      );
      return;
    }
    parseJson(request, text, done);
  });
}
