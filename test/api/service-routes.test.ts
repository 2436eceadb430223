/** Health, readiness, profiles and the OpenAPI description. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => harness.close());

describe("service routes", () => {
  it("GET /health answers ok with the event loop's delays and GET /ready reports the model server's limits", async () => {
    const health = (await harness.app.inject({ method: "GET", url: "/health" })).json();
    expect(health).toEqual({
      status: "ok",
      eventLoop: {
        p50Ms: expect.any(Number),
        p99Ms: expect.any(Number),
        maxMs: expect.any(Number),
        recentMaxMs: expect.any(Number),
        since: expect.any(String),
      },
    });
    const ready = await harness.app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: "ready",
      endpoint: { kind: "tgi", maxInputTokens: 1024, maxTotalTokens: 2048 },
    });
  });

  it("GET /v1/schemas lists the built-in profiles and /v1/schemas/:name gives one", async () => {
    const list = (await harness.app.inject({ method: "GET", url: "/v1/schemas" })).json() as {
      default: string;
      profiles: { name: string; types: string[] }[];
    };
    expect(list.default).toBe("default");
    expect(list.profiles.map((p) => p.name)).toEqual(expect.arrayContaining(["default", "baptism-record"]));
    const one = await harness.app.inject({ method: "GET", url: "/v1/schemas/default" });
    expect(one.json()).toMatchObject({ name: "default", schema: { type: "object", required: ["entities"] } });
    const missing = await harness.app.inject({ method: "GET", url: "/v1/schemas/nope" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: "UNKNOWN_PROFILE" } });
  });

  it("serves the OpenAPI description at /docs", async () => {
    const spec = (await harness.app.inject({ method: "GET", url: "/docs/json" })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(["/v1/extract", "/v1/schemas", "/health", "/ready"]),
    );
    expect((await harness.app.inject({ method: "GET", url: "/docs" })).statusCode).toBeLessThan(400);
  });

  it("answers unknown routes with the catalogue's 404", async () => {
    const response = await harness.app.inject({ method: "GET", url: "/v2/nothing" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("uses the caller's request id", async () => {
    const response = await harness.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": "abc-123" },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-request-id"]).toBe("abc-123");
  });
});
