/** The budget of model calls in flight (slots) and several servers of one model sharing the work. */
import { afterEach, describe, expect, it } from "vitest";
import { LocalSlots } from "../../src/endpoint/slots.js";
import { connect } from "../support/tgi-client.js";
import { startTgiTestServer, type TgiTestServer } from "../support/tgi-server.js";

describe("LocalSlots", () => {
  const servers = [
    { id: "a", capacity: 1 },
    { id: "b", capacity: 2 },
  ];

  it("gives each call a slot on the server with the most free, and no server more than its capacity", async () => {
    const slots = new LocalSlots();
    const first = await slots.acquire(servers);
    const second = await slots.acquire(servers);
    const third = await slots.acquire(servers);
    expect([first.server, second.server, third.server]).toEqual(["b", "a", "b"]);
    expect(Object.fromEntries(slots.held())).toEqual({ a: 1, b: 2 });
    let fourth: string | undefined;
    const waiting = slots.acquire(servers).then((lease) => {
      fourth = lease.server;
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fourth).toBeUndefined();
    await second.release();
    // Released twice: counted once.
    await second.release();
    expect((await waiting).server).toBe("a");
    expect(Object.fromEntries(slots.held())).toEqual({ a: 1, b: 2 });
  });

  it("serves waiting calls in arrival order, and one that gives up leaves without a slot", async () => {
    const slots = new LocalSlots();
    const only = [{ id: "a", capacity: 1 }];
    const held = await slots.acquire(only);
    const controller = new AbortController();
    const order: string[] = [];
    const givingUp = slots.acquire(only, controller.signal).catch((error: unknown) => {
      order.push(`gave up: ${(error as Error).message}`);
    });
    const next = slots.acquire(only).then((lease) => {
      order.push("next");
      return lease;
    });
    controller.abort(new Error("client gone"));
    await givingUp;
    await held.release();
    await (await next).release();
    expect(order).toEqual(["gave up: client gone", "next"]);
    expect(slots.held().get("a")).toBe(0);
  });
});

describe("several model servers of one model", () => {
  const started: TgiTestServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  const start = async (maxConcurrentRequests: number) => {
    const server = await startTgiTestServer({ maxConcurrentRequests, latencyMs: 40 });
    started.push(server);
    return server;
  };
  const generations = (server: TgiTestServer) =>
    server.received.filter((request) => request.method === "POST").length;

  it("shares the calls by free slots, never past a server's max_concurrent_requests (no 429)", async () => {
    const small = await start(2);
    const large = await start(4);
    const { endpoint, sleeps } = connect(`${small.url},${large.url}`, { MODEL_CONCURRENCY: "16" });
    expect((await endpoint.info()).maxConcurrentRequests).toBe(6);
    const calls = Array.from({ length: 30 }, (_, index) =>
      endpoint.generate({ prompt: `document ${index}`, maxNewTokens: 8 }),
    );
    const results = await Promise.all(calls);
    expect(results.every((result) => result.attempts === 1)).toBe(true);
    // A 429 would have been retried after a backoff: none was needed.
    expect(sleeps).toEqual([]);
    expect(small.maxInFlight).toBe(2);
    expect(large.maxInFlight).toBe(4);
    expect(generations(small) + generations(large)).toBe(30);
    expect(generations(large)).toBeGreaterThan(generations(small));
  });

  it("caps each server at MODEL_CONCURRENCY", async () => {
    const server = await start(8);
    const { endpoint } = connect(server.url, { MODEL_CONCURRENCY: "3" });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => endpoint.generate({ prompt: `p${i}`, maxNewTokens: 4 })),
    );
    expect(server.maxInFlight).toBe(3);
  });

  it("sends the calls to the servers that answer when one cannot be reached", async () => {
    const down = await start(4);
    const up = await start(4);
    const { endpoint } = connect(`${down.url},${up.url}`, { MODEL_RETRIES: "0" });
    await endpoint.info();
    await down.close();
    started.splice(started.indexOf(down), 1);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => endpoint.generate({ prompt: `p${i}`, maxNewTokens: 4 })),
    );
    expect(results).toHaveLength(8);
    expect(generations(up)).toBe(8);
    await expect(endpoint.probe()).resolves.toBeUndefined();
  });
});
