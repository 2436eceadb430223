/**
 * Closing the app waits for the HTTP server's connections to end. Node closes the kept-alive ones
 * that sit between requests, but not a socket a browser opened ahead of a request it never sent (a
 * preconnect): that one would hold the shutdown until Node's own connection check, 30 seconds later,
 * and with it the draining of the job workers. On close, such sockets are destroyed at once; any
 * connection still open SHUTDOWN_GRACE_MS later (a request that does not end) is cut.
 */
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";

export function closeStrayConnections(app: FastifyInstance, graceMs: number): void {
  const sockets = new Set<Socket>();
  app.server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  app.addHook("preClose", async () => {
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
    setTimeout(() => app.server.closeAllConnections(), graceMs).unref();
  });
}
