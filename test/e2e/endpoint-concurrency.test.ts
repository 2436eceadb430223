/** The endpoint never has more generations in flight than the server (or MODEL_CONCURRENCY) allows. */
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "../support/tgi-client.js";
import { startTgiTestServer, type TgiTestServer } from "../support/tgi-server.js";

let server: TgiTestServer;
afterEach(() => server.close());

const burst = (generate: (prompt: string) => Promise<{ attempts: number }>, count: number) =>
  Promise.all(Array.from({ length: count }, (_, index) => generate(`Document ${index}`)));

describe("concurrency limit", () => {
  it("keeps to the server's max_concurrent_requests, so TGI never answers 429", async () => {
    server = await startTgiTestServer({ maxConcurrentRequests: 2, latencyMs: 20 });
    const { endpoint } = connect(server.url, { MODEL_CONCURRENCY: "8" });

    const results = await burst((prompt) => endpoint.generate({ prompt, maxNewTokens: 20 }), 10);

    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(results.every((result) => result.attempts === 1)).toBe(true);
  });

  it("keeps to MODEL_CONCURRENCY when it is the smaller limit", async () => {
    server = await startTgiTestServer({ maxConcurrentRequests: 8, latencyMs: 20 });
    const { endpoint } = connect(server.url, { MODEL_CONCURRENCY: "1" });

    await burst((prompt) => endpoint.generate({ prompt, maxNewTokens: 20 }), 5);

    expect(server.maxInFlight).toBe(1);
    expect(server.received.filter((request) => request.path === "/")).toHaveLength(5);
  });
});
