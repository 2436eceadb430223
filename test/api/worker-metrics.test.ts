/**
 * A worker's GET /metrics (METRICS_PORT): the API's route, access control and host check, on a port
 * of its own, over real HTTP.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { get } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { serveMetrics } from "../../src/observability/metrics-server.js";
import { createServices, type Services } from "../../src/services.js";
import { addKey, bearer } from "../support/auth.js";

let dataDir: string;
let services: Services;
let server: FastifyInstance;
let url: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "worker-metrics-"));
  const config = loadConfig({
    BLOOM_ENDPOINT_URL: "http://127.0.0.1:9",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
  });
  services = await createServices(config, createLogger("silent"));
  // Port 0: any free one (METRICS_PORT itself is from 1).
  server = await serveMetrics(services, 0);
  url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.close();
  await services.store.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("a worker's metrics", () => {
  it("answers GET /metrics in open mode, and nothing else", async () => {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const text = await response.text();
    expect(text).toContain("# TYPE palimpsest_model_calls_total counter");
    expect(text).toContain("# TYPE palimpsest_queue_tasks gauge");
    const other = await fetch(`${url}/v1/jobs`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("refuses a Host it does not serve", async () => {
    // fetch sets Host itself: node:http sends the one given.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const { port } = server.server.address() as AddressInfo;
      get(
        { host: "127.0.0.1", port, path: "/metrics", headers: { host: "rebound.example.org" } },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      ).on("error", reject);
    });
    expect(status).toBe(421);
  });

  it("asks for an admin's key once keys exist", async () => {
    const admin = await addKey(services.store, "admin", "operations");
    const reader = await addKey(services.store, "reader", "operations");
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: bearer(reader.key) })).status).toBe(403);
    expect((await fetch(`${url}/metrics`, { headers: bearer(admin.key) })).status).toBe(200);
  });
});
