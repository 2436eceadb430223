/**
 * The README is the front door: its configuration table must list every setting the code reads, and
 * its text every route the app serves and every error code it answers.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { loadConfig, SETTINGS } from "../../src/config.js";
import { ERRORS } from "../../src/errors.js";
import { createLogger } from "../../src/logger.js";
import { packageRoot } from "../../src/package-info.js";
import { createServices } from "../../src/services.js";
import { routesOf } from "../support/auth.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** Files of the Swagger UI at /docs, which serve the page the README points to, not an API of ours. */
const UI_FILES = /^\/docs\/static\//;

/** Files of the built review page (dist/web, served at /), present once `npm run build` has run. */
const webRoot = join(packageRoot(), "dist", "web");
const WEB_FILES = new Set(
  existsSync(webRoot)
    ? readdirSync(webRoot, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `/${relative(webRoot, join(entry.parentPath, entry.name)).split(sep).join("/")}`)
    : [],
);

/** Every path the app serves (HEAD aside: fastify adds one to each GET), as "METHOD /path". */
async function servedRoutes(): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), "readme-routes-"));
  const config = loadConfig({
    BLOOM_ENDPOINT_URL: "http://127.0.0.1:9",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
  });
  const services = await createServices(config, createLogger("silent"));
  const app = await buildApp(services);
  try {
    await app.ready();
    return routesOf(app).filter((route) => {
      const path = route.split(" ")[1] ?? "";
      return !route.startsWith("HEAD ") && !UI_FILES.test(path) && !WEB_FILES.has(path);
    });
  } finally {
    await app.close();
    await services.store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * How the README may write a route's path: a parameter as anything in one segment (`:id`, `JOB`, `DOC`,
 * `3`), a trailing slash or wildcard as the path before it; not as the start of a longer word.
 */
function pathPattern(path: string): RegExp {
  const pattern = path
    .replace(/\/\*?$/, "")
    .split("/")
    .map((segment) =>
      segment.startsWith(":") ? "[^\\s/`'\"?]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`${pattern}(?![\\w-])`);
}

const routes = await servedRoutes();

describe("README", () => {
  it.each(Object.values(SETTINGS).map((s) => [s.env, s.default]))(
    "documents %s with its default",
    (env, value) => {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${env}\` |`));
      expect(row, `the configuration table has no row for ${env}`).toBeDefined();
      if (value !== undefined) expect(row).toContain(`\`${String(value)}\``);
    },
  );

  it.each(routes)("mentions the route %s", (route) => {
    const path = route.split(" ")[1] as string;
    expect(pathPattern(path).test(readme), `the README never mentions ${route}`).toBe(true);
  });

  it("reads the routes of the app (the test above checks something)", () => {
    expect(routes).toEqual(
      expect.arrayContaining(["GET /health", "GET /metrics", "GET /v1/jobs/:id/events"]),
    );
  });

  it.each(Object.keys(ERRORS).filter((code) => code !== "INTERNAL"))("lists the error code %s", (code) => {
    expect(readme).toContain(`\`${code}\``);
  });
});
