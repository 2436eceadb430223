/**
 * Clients that hold connections, with real sockets: a body or headers that trickle (slowloris) are cut
 * after BODY_TIMEOUT_MS, a slow but steady upload is not, and one address cannot hold more than
 * MAX_CONNECTIONS_PER_CLIENT connections.
 */
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

let harness: Harness | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await harness?.close();
  harness = undefined;
});

async function serve(env: Record<string, string>): Promise<number> {
  harness = await startHarness({
    server: { respond: lexiconModel([{ type: "place", text: "Nîmes" }]) },
    env,
  });
  return Number(new URL(await harness.app.listen({ port: 0, host: "127.0.0.1" })).port);
}

/** A connected socket that keeps what it receives. */
async function open(port: number, localAddress = "127.0.0.1") {
  const socket = connect({ port, host: "127.0.0.1", localAddress });
  sockets.push(socket);
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.on("error", () => {});
  const closed = once(socket, "close");
  await once(socket, "connect");
  return { socket, closed, received: () => received };
}

/** Writes `piece` every `everyMs` until the socket closes or `total` bytes are sent. */
async function trickle(socket: Socket, piece: string, everyMs: number, total = Number.POSITIVE_INFINITY) {
  for (let sent = 0; sent < total && !socket.destroyed && socket.writable; sent += piece.length) {
    socket.write(piece);
    await sleep(everyMs);
  }
}

const head = (port: number, length: number) =>
  `POST /v1/extract HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${length}\r\n\r\n`;

describe("slow clients", () => {
  it("answers 408 to a body that trickles and closes its connection", { timeout: 15_000 }, async () => {
    const port = await serve({ BODY_TIMEOUT_MS: "300" });
    const client = await open(port);
    client.socket.write(head(port, 100_000));
    void trickle(client.socket, "a", 50);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(client.received()).toContain('"code":"BODY_TIMEOUT"');
  });

  it("closes a connection whose headers trickle", { timeout: 15_000 }, async () => {
    const port = await serve({ BODY_TIMEOUT_MS: "300" });
    const client = await open(port);
    client.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    void trickle(client.socket, "X-Padding: a\r\n", 50);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("takes an upload that is slow but steady, over several periods", { timeout: 15_000 }, async () => {
    const port = await serve({ BODY_TIMEOUT_MS: "300" });
    const client = await open(port);
    const body = "Écrit à Nîmes le 2 mars 1790. ".repeat(3000);
    const bytes = Buffer.from(body);
    client.socket.write(head(port, bytes.length));
    // About 24 KiB every 100 ms: the whole body takes about four periods of BODY_TIMEOUT_MS.
    for (let at = 0; at < bytes.length; at += 24 * 1024) {
      client.socket.write(bytes.subarray(at, at + 24 * 1024));
      await sleep(100);
    }
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(client.received()).toContain("Nîmes");
  });

  it("closes the connections of one address past MAX_CONNECTIONS_PER_CLIENT, not another's", {
    timeout: 15_000,
  }, async () => {
    const port = await serve({ MAX_CONNECTIONS_PER_CLIENT: "3" });
    const held = [await open(port), await open(port), await open(port)];
    const refused = await open(port);
    await refused.closed;
    expect(refused.received()).toBe("");

    const health = async (client: Awaited<ReturnType<typeof open>>) => {
      client.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      await client.closed;
      return client.received();
    };
    // Another address is served meanwhile; once one of the three is gone, the first address is again.
    expect(await health(await open(port, "127.0.0.2"))).toMatch(/^HTTP\/1\.1 200 /);
    held[0]?.socket.destroy();
    await held[0]?.closed;
    // The server learns of the close a moment after the client.
    let answer = "";
    while (answer === "") answer = await health(await open(port));
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});
