/**
 * A client that sends its request a few bytes at a time (slowloris) holds a connection, and a share of
 * the uploads in flight, for as long as it likes. Headers must arrive whole within BODY_TIMEOUT_MS
 * (Node's headersTimeout, see app.ts); a body must bring at least 16 KiB, or its end, in every
 * BODY_TIMEOUT_MS. A rate rather than a deadline for the whole body: a large archive over a slow but
 * steady link still arrives. A body that trickles is answered 408 and its connection closed.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { PalimpsestError } from "../errors.js";
import type { Log } from "../logger.js";

const MIN_PROGRESS_BYTES = 16 * 1024;

export function cutSlowBodies(server: Server, timeoutMs: number, logger: Log): void {
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    if (!hasBody(request)) return;
    const { socket } = request;
    let seen = socket.bytesRead;
    const timer = setInterval(() => {
      if (request.complete || socket.destroyed) return clearInterval(timer);
      const progress = socket.bytesRead - seen;
      seen = socket.bytesRead;
      // A full buffer means the server is the slow one (reading paused), not the client.
      if (progress >= MIN_PROGRESS_BYTES || request.readableLength >= request.readableHighWaterMark) return;
      clearInterval(timer);
      logger.info(
        { client: socket.remoteAddress, method: request.method, url: request.url, bytes: progress },
        "a request body arrived too slowly; its connection is closed",
      );
      refuse(response, timeoutMs);
    }, timeoutMs).unref();
    // The request ends (its body read, or its connection gone): nothing more to watch.
    request.once("close", () => clearInterval(timer));
  });
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers["content-length"];
  return request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** Answers 408 straight on the socket (the route still waits for its body), then closes the connection. */
function refuse(response: ServerResponse, timeoutMs: number): void {
  const { socket } = response;
  if (!socket) return;
  if (!response.headersSent) {
    const body = JSON.stringify(
      new PalimpsestError(
        "BODY_TIMEOUT",
        `The request body arrived too slowly: less than 16 KiB in ${timeoutMs} ms (BODY_TIMEOUT_MS). Send it again over a steadier connection.`,
      ).toJSON(),
    );
    const head = [
      "HTTP/1.1 408 Request Timeout",
      "Connection: close",
      "Content-Type: application/json; charset=utf-8",
      `Content-Length: ${Buffer.byteLength(body)}`,
    ];
    socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
  }
  socket.destroySoon();
}
