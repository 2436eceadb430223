/**
 * GET /ready tells the model server's state now: it asks the server on every call (TGI's /health, or
 * /v1/models), so a server that answered once and went away is not ready, and one that came back is again.
 */
import { describe, expect, it, vi } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";

async function ready(harness: Harness) {
  const response = await harness.app.inject({ method: "GET", url: "/ready" });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

/** A readiness check gets 503 NOT_READY, naming the server, with `reason` in the message. */
async function expectNotReady(harness: Harness, reason: string) {
  const { status, body } = await ready(harness);
  expect(status).toBe(503);
  const error = body.error as { code: string; message: string };
  expect(error.code).toBe("NOT_READY");
  expect(error.message).toContain(`The model server ${harness.server.url} is not ready`);
  expect(error.message).toContain(reason);
}

describe("GET /ready", () => {
  it("follows a TGI server that goes down, answers 503 unhealthy, and comes back", async () => {
    const harness = await startHarness();
    try {
      expect(await ready(harness)).toMatchObject({
        status: 200,
        body: { status: "ready", endpoint: { kind: "tgi", maxConcurrentRequests: 8 } },
      });

      // The limits were read and kept; the server is gone all the same.
      await harness.server.close();
      await expectNotReady(harness, "Cannot reach the model server");
      // One attempt: no backoff was asked for.
      expect(harness.sleeps).toEqual([]);

      await harness.server.reopen();
      harness.server.received.length = 0;
      expect(await ready(harness)).toMatchObject({ status: 200, body: { status: "ready" } });
      expect(harness.server.received.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /health"]);

      // Up, but TGI says its model cannot serve.
      harness.server.setHealthy(false);
      await expectNotReady(harness, "answered HTTP 503 (unhealthy): the server is not serving yet");
      harness.server.setHealthy(true);
      expect((await ready(harness)).status).toBe(200);
      expect(harness.sleeps).toEqual([]);
    } finally {
      await harness.close();
    }
  });

  it("follows an OpenAI-compatible server through GET /v1/models", async () => {
    const harness = await startHarness({ server: { openaiOnly: true } });
    try {
      expect(await ready(harness)).toMatchObject({
        status: 200,
        body: { status: "ready", endpoint: { kind: "openai" } },
      });

      await harness.server.close();
      await expectNotReady(harness, "Cannot reach the model server");
      expect(harness.sleeps).toEqual([]);

      await harness.server.reopen();
      harness.server.received.length = 0;
      expect(await ready(harness)).toMatchObject({
        status: 200,
        body: { status: "ready", endpoint: { kind: "openai" } },
      });
      expect(harness.server.received.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/models"]);
    } finally {
      await harness.close();
    }
  });

  it("answers while every model slot is taken by a generation", async () => {
    // One generation at a time (the server's max_concurrent_requests), and that one never answers.
    const harness = await startHarness({ server: { maxConcurrentRequests: 1 } });
    try {
      harness.server.failNext({ hang: true });
      let extractDone = false;
      const extract = harness.app
        .inject({ method: "POST", url: "/v1/extract", payload: { text: "Le courrier de Lyon." } })
        .finally(() => {
          extractDone = true;
        });
      await vi.waitFor(() =>
        expect(harness.server.received.some((r) => r.method === "POST" && r.path === "/")).toBe(true),
      );

      expect(await ready(harness)).toMatchObject({ status: 200, body: { status: "ready" } });
      expect(extractDone).toBe(false);

      // Cut the hanging generation: the extraction fails and the harness can close.
      await harness.server.close();
      expect((await extract).statusCode).toBe(502);
    } finally {
      await harness.close();
    }
  });
});
