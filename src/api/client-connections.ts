/**
 * One client address may hold at most MAX_CONNECTIONS_PER_CLIENT open connections; a new one past that
 * is closed at once, before anything is read from it. Otherwise one client (slow bodies, idle sockets)
 * could take every connection and file descriptor the process has. Counted by the socket's address:
 * behind a reverse proxy, that is the proxy's.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Log } from "../logger.js";

export function limitConnectionsPerClient(server: Server, max: number, logger: Log): void {
  if (max === 0) return;
  const open = new Map<string, number>();
  // Addresses being refused: logged once each time they reach the limit, not at every connection.
  const refusing = new Set<string>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const held = open.get(address) ?? 0;
    if (held >= max) {
      socket.destroy();
      if (!refusing.has(address))
        logger.warn(
          { client: address, limit: max },
          "a client holds too many connections; new ones are closed",
        );
      refusing.add(address);
      return;
    }
    open.set(address, held + 1);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      refusing.delete(address);
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
