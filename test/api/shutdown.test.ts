/**
 * Closing the service with connections that would otherwise hold it: a socket opened ahead of a
 * request never sent (what browsers do), and a request whose headers never end.
 */
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function openSocket(address: string): Promise<Socket> {
  const { port } = new URL(address);
  const socket = connect(Number(port), "127.0.0.1");
  await once(socket, "connect");
  return socket;
}

describe("closing the service", () => {
  // Without the fix these wait for Node's connection check (30 s) and run past the test's timeout.
  it("does not wait for a socket that never sent a request", { timeout: 10_000 }, async () => {
    harness = await startHarness({ server: { respond: lexiconModel([]) } });
    const socket = await openSocket(await harness.app.listen({ port: 0, host: "127.0.0.1" }));
    const closed = once(socket, "close");
    await harness.close();
    harness = undefined;
    await closed;
    expect(socket.destroyed).toBe(true);
  });

  it("cuts a request that never ends once SHUTDOWN_GRACE_MS is over, and still serves a complete one", {
    timeout: 10_000,
  }, async () => {
    harness = await startHarness({
      server: { respond: lexiconModel([]) },
      env: { SHUTDOWN_GRACE_MS: "300" },
    });
    const address = await harness.app.listen({ port: 0, host: "127.0.0.1" });
    const stalled = await openSocket(address);
    stalled.write("GET /health HTTP/1.1\r\nHost: localhost\r\n");
    const closed = once(stalled, "close");
    // A request made before the close is answered as usual.
    expect((await fetch(`${address}/health`)).status).toBe(200);
    await harness.close();
    harness = undefined;
    await closed;
    expect(stalled.destroyed).toBe(true);
  });
});
