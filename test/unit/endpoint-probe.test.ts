/** A readiness probe is one GET with a short time limit: never retried, and its timeout says so. */
import { describe, expect, it } from "vitest";
import { createProber } from "../../src/endpoint/probe.js";
import type { RetryOptions } from "../../src/endpoint/retry.js";
import { Transport } from "../../src/endpoint/transport.js";

function prober(fetch: typeof globalThis.fetch, timeoutMs?: number) {
  const sleeps: number[] = [];
  const options: RetryOptions = {
    retries: 5,
    baseMs: 100,
    maxMs: 1000,
    timeoutMs: 120_000,
    where: "http://tgi",
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger: { warn: () => {} },
  };
  return { probe: createProber(new Transport({ baseUrl: "http://tgi", fetch }), options, timeoutMs), sleeps };
}

describe("createProber", () => {
  it("asks once, without the retries model calls get", async () => {
    let calls = 0;
    const { probe, sleeps } = prober(async () => {
      calls++;
      return Response.json({ error: "unhealthy", error_type: "healthcheck" }, { status: 503 });
    });
    await expect(probe("/health")).rejects.toMatchObject({
      code: "ENDPOINT_OVERLOADED",
      details: { upstreamStatus: 503, upstreamMessage: "unhealthy", attempts: 1 },
    });
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("gives up at its own time limit, and says so rather than pointing at MODEL_TIMEOUT_MS", async () => {
    const hangs: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    const error = await prober(hangs, 50)
      .probe("/health")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "ENDPOINT_TIMEOUT",
      message:
        "The model server at http://tgi did not answer GET /health within 50 ms. Check that it is running and not overloaded.",
    });
  });
});
