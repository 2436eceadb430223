/**
 * Headers and origins: every answer carries a CSP without inline script that no page may frame,
 * nosniff and no Referer; requests addressed to a host name outside ALLOWED_HOSTS are refused (DNS
 * rebinding); CORS is off until CORS_ORIGINS lists origins, and then only those get an answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowedHosts } from "../../src/api/plugins/allowed-hosts.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import { type Harness, startHarness } from "../support/harness.js";

let open: Harness;
let configured: Harness;
beforeAll(async () => {
  open = await startHarness();
  configured = await startHarness({
    env: { ALLOWED_HOSTS: "archive.example.org, 10.0.0.5", CORS_ORIGINS: "https://catalogue.example.org" },
  });
});
afterAll(async () => {
  await open.close();
  await configured.close();
});

const get = (harness: Harness, url: string, headers: Record<string, string> = {}) =>
  harness.app.inject({ method: "GET", url, headers });

describe("security headers", () => {
  it.each(["/", "/docs/", "/v1/jobs", "/v1/no-such-route"])("are on %s", async (url) => {
    const response = await get(open, url);
    const csp = String(response.headers["content-security-policy"]);
    const directives = new Map(
      csp.split(";").map((directive) => {
        const [name, ...values] = directive.trim().split(/\s+/);
        return [name, values.join(" ")];
      }),
    );
    expect(directives.get("script-src")).toBe("'self'");
    expect(directives.get("script-src-attr")).toBe("'none'");
    expect(directives.get("default-src")).toBe("'self'");
    expect(directives.get("object-src")).toBe("'none'");
    expect(directives.get("frame-ancestors")).toBe("'none'");
    // Swagger UI adds <style> elements as it renders: its pages alone allow inline styles.
    expect(directives.get("style-src")).toBe(url.startsWith("/docs") ? "'self' 'unsafe-inline'" : "'self'");
    expect(response.headers["x-frame-options"]).toBe("DENY");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
  });
});

describe("the Host allow-list", () => {
  it.each(["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "LOCALHOST.", "127.0.0.1"])(
    "answers a request addressed to %s by default",
    async (host) => {
      expect((await get(open, "/v1/jobs", { host })).statusCode).toBe(200);
    },
  );

  it("refuses another host name with 421 HOST_NOT_ALLOWED, on the API and the pages alike", async () => {
    for (const url of ["/v1/jobs", "/", "/docs/"]) {
      const response = await get(open, url, { host: "rebound.attacker.example:3000" });
      expect(response.statusCode).toBe(421);
      expect(response.json().error.code).toBe("HOST_NOT_ALLOWED");
      expect(response.json().error.message).toContain("ALLOWED_HOSTS");
    }
  });

  it("answers /health and /ready whatever the Host, as probes address the machine by IP", async () => {
    expect((await get(open, "/health", { host: "10.1.2.3:3000" })).statusCode).toBe(200);
    expect((await get(open, "/ready", { host: "10.1.2.3:3000" })).statusCode).not.toBe(421);
  });

  it("answers the hosts of ALLOWED_HOSTS, and no longer the loopback names", async () => {
    expect((await get(configured, "/v1/jobs", { host: "archive.example.org" })).statusCode).toBe(200);
    expect((await get(configured, "/v1/jobs", { host: "10.0.0.5:3000" })).statusCode).toBe(200);
    expect((await get(configured, "/v1/jobs", { host: "localhost:3000" })).statusCode).toBe(421);
  });

  it("adds HOST to the loopback names unless it is a wildcard address, and * turns the check off", () => {
    const hosts = (env: Record<string, string>) => {
      const set = allowedHosts(loadConfig(env));
      return set && [...set];
    };
    expect(hosts({ HOST: "archive.lan" })).toEqual(["localhost", "127.0.0.1", "[::1]", "archive.lan"]);
    expect(hosts({ HOST: "0.0.0.0" })).toEqual(["localhost", "127.0.0.1", "[::1]"]);
    expect(hosts({ HOST: "fd00::5" })).toEqual(["localhost", "127.0.0.1", "[::1]", "[fd00::5]"]);
    expect(hosts({ ALLOWED_HOSTS: "*" })).toBeUndefined();
  });
});

describe("CORS", () => {
  const preflight = (harness: Harness, origin: string, host = "archive.example.org") =>
    harness.app.inject({
      method: "OPTIONS",
      url: "/v1/jobs",
      headers: { host, origin, "access-control-request-method": "GET" },
    });

  it("is off by default: no origin is allowed to read answers", async () => {
    const response = await get(open, "/v1/jobs", { origin: "https://catalogue.example.org" });
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
    const refused = await preflight(open, "https://catalogue.example.org", "localhost");
    expect(refused.statusCode).toBe(404);
    expect(refused.headers).not.toHaveProperty("access-control-allow-origin");
  });

  it("allows the origins of CORS_ORIGINS, without credentials, and no other", async () => {
    const allowed = await preflight(configured, "https://catalogue.example.org");
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://catalogue.example.org");
    expect(allowed.headers["access-control-allow-credentials"]).toBeUndefined();
    const read = await get(configured, "/v1/jobs", {
      host: "archive.example.org",
      origin: "https://catalogue.example.org",
    });
    expect(read.headers["access-control-allow-origin"]).toBe("https://catalogue.example.org");
    const other = await get(configured, "/v1/jobs", {
      host: "archive.example.org",
      origin: "https://elsewhere.example",
    });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("settings", () => {
  it.each([
    ["ALLOWED_HOSTS", "http://archive.example.org"],
    ["CORS_ORIGINS", "https://catalogue.example.org/path"],
    ["CORS_ORIGINS", "catalogue.example.org"],
  ])("%s=%s stops start-up naming the variable", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
