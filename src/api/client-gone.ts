/**
 * Work done for a request follows its client: when the client goes away before its answer is sent,
 * the signal fires and what is done for it stops (model calls waiting for their turn are withdrawn,
 * the one in flight cancelled, OCR processes killed). Node's request "close" is no use for this: it
 * fires as soon as the body has been read, not when the connection goes.
 */
import type { FastifyReply } from "fastify";

export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  const leave = () => controller.abort(new Error("the client went away"));
  if (response.socket === null || response.socket.destroyed) leave();
  // Also fired once the answer is sent: only an unfinished answer means the client left.
  else response.once("close", () => !response.writableFinished && leave());
  return controller.signal;
}
