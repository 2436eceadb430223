/**
 * Every /v1 route against every kind of caller: no key, a reader, a submitter and an admin of the
 * tenant that owns the data, and an admin of another tenant. The routes are read from the app itself,
 * so a route added without a row here fails the test (and one without a declared role fails to start).
 */
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authentication } from "../../src/api/plugins/authentication.js";
import type { Authenticator } from "../../src/auth/authenticator.js";
import type { Role } from "../../src/auth/roles.js";
import { buildZip } from "../support/archives.js";
import { addKey, bearer, routesOf } from "../support/auth.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

type Caller = "none" | "reader" | "submitter" | "admin" | "otherAdmin";
const CALLERS: Caller[] = ["none", "reader", "submitter", "admin", "otherAdmin"];

/** What the tenant's data is, as the rows' URLs use it. */
interface Fixture {
  document: string;
  job: string;
  batch: string;
}

interface Row {
  /** Made fresh for each caller: the request deletes what it names. */
  destructive?: boolean;
  request: (f: Fixture, key: string | undefined) => { url: string; payload?: unknown; headers?: object };
  /** Expected status per caller, with the error code where the status alone is ambiguous. */
  expect: Record<Caller, string>;
}

const letter = "Acte passé à Bordeaux le 2 mars 1790.";
const readAll = { none: "401", reader: "200", submitter: "200", admin: "200", otherAdmin: "200" };
/** The tenant's own data: another tenant's admin is told it does not exist. */
const readOwn = { ...readAll, otherAdmin: "404 NOT_FOUND" };
/** A correction of the tenant's record: a submitter's at least; here one the record refuses. */
const correctOwn = {
  none: "401",
  reader: "403 FORBIDDEN",
  submitter: "422 INVALID_CORRECTION",
  admin: "422 INVALID_CORRECTION",
  otherAdmin: "404 NOT_FOUND",
};

const ROWS: Record<string, Row> = {
  "POST /v1/session": {
    // Signing in with one's own key; "none" tries a key that does not exist.
    request: (_f, key) => ({
      url: "/v1/session",
      payload: { key: key ?? `pal_000000000000_${"x".repeat(43)}` },
    }),
    expect: readAll,
  },
  "GET /v1/session": { request: () => ({ url: "/v1/session" }), expect: readAll },
  "DELETE /v1/session": {
    request: () => ({ url: "/v1/session" }),
    expect: { none: "204", reader: "204", submitter: "204", admin: "204", otherAdmin: "204" },
  },
  "GET /v1/schemas": { request: () => ({ url: "/v1/schemas" }), expect: readAll },
  "GET /v1/schemas/:name": { request: () => ({ url: "/v1/schemas/default" }), expect: readAll },
  "GET /v1/usage": { request: () => ({ url: "/v1/usage" }), expect: readAll },
  "POST /v1/extract": {
    request: () => ({ url: "/v1/extract", payload: { text: letter } }),
    expect: { none: "401", reader: "403 FORBIDDEN", submitter: "200", admin: "200", otherAdmin: "200" },
  },
  "POST /v1/documents": {
    request: () => ({ url: "/v1/documents", payload: { text: letter } }),
    expect: { none: "401", reader: "403 FORBIDDEN", submitter: "202", admin: "202", otherAdmin: "202" },
  },
  "GET /v1/documents": { request: () => ({ url: "/v1/documents" }), expect: readAll },
  "GET /v1/documents/:id": { request: (f) => ({ url: `/v1/documents/${f.document}` }), expect: readOwn },
  "DELETE /v1/documents/:id": {
    destructive: true,
    request: (f) => ({ url: `/v1/documents/${f.document}` }),
    expect: {
      none: "401",
      reader: "403 FORBIDDEN",
      submitter: "403 FORBIDDEN",
      admin: "204",
      otherAdmin: "404 NOT_FOUND",
    },
  },
  "GET /v1/documents/:id/entities": {
    request: (f) => ({ url: `/v1/documents/${f.document}/entities` }),
    expect: readOwn,
  },
  "GET /v1/documents/:id/pages/:number": {
    request: (f) => ({ url: `/v1/documents/${f.document}/pages/1` }),
    expect: readOwn,
  },
  "GET /v1/documents/:id/pages/:number/image": {
    // A text document has no page image: its owners learn that, another tenant only that there is nothing.
    request: (f) => ({ url: `/v1/documents/${f.document}/pages/1/image` }),
    expect: {
      ...readOwn,
      reader: "404 NO_PAGE_IMAGE",
      submitter: "404 NO_PAGE_IMAGE",
      admin: "404 NO_PAGE_IMAGE",
    },
  },
  "GET /v1/documents/:id/record": {
    request: (f) => ({ url: `/v1/documents/${f.document}/record` }),
    expect: readOwn,
  },
  "GET /v1/documents/:id/record/revisions": {
    request: (f) => ({ url: `/v1/documents/${f.document}/record/revisions` }),
    expect: readOwn,
  },
  "GET /v1/documents/:id/record/original": {
    request: (f) => ({ url: `/v1/documents/${f.document}/record/original` }),
    expect: readOwn,
  },
  // Corrections: on whatever version the record is at (If-Match: *), each on a fresh document.
  "PATCH /v1/documents/:id/mentions/:mention": {
    destructive: true,
    request: (f) => ({
      url: `/v1/documents/${f.document}/mentions/m1`,
      payload: { review: "confirmed" },
      headers: { "if-match": "*" },
    }),
    expect: { ...correctOwn, submitter: "200", admin: "200" },
  },
  "POST /v1/documents/:id/mentions": {
    destructive: true,
    request: (f) => ({
      url: `/v1/documents/${f.document}/mentions`,
      payload: { type: "work", start: 0, end: 4 },
      headers: { "if-match": "*" },
    }),
    expect: { ...correctOwn, submitter: "201", admin: "201" },
  },
  "POST /v1/documents/:id/record/confirm": {
    destructive: true,
    request: (f) => ({
      url: `/v1/documents/${f.document}/record/confirm`,
      payload: {},
      headers: { "if-match": "*" },
    }),
    expect: { ...correctOwn, submitter: "200", admin: "200" },
  },
  // The document has one entity: there is nothing to merge it with, nor to split off it.
  "POST /v1/documents/:id/entities/merge": {
    request: (f) => ({
      url: `/v1/documents/${f.document}/entities/merge`,
      payload: { entities: ["place-1", "place-1"] },
      headers: { "if-match": "*" },
    }),
    expect: correctOwn,
  },
  "POST /v1/documents/:id/entities/split": {
    request: (f) => ({
      url: `/v1/documents/${f.document}/entities/split`,
      payload: { mentions: ["m1"] },
      headers: { "if-match": "*" },
    }),
    expect: correctOwn,
  },
  "GET /v1/jobs": { request: () => ({ url: "/v1/jobs" }), expect: readAll },
  "GET /v1/jobs/:id": { request: (f) => ({ url: `/v1/jobs/${f.job}` }), expect: readOwn },
  "DELETE /v1/jobs/:id": {
    destructive: true,
    request: (f) => ({ url: `/v1/jobs/${f.job}` }),
    expect: {
      none: "401",
      reader: "403 FORBIDDEN",
      submitter: "403 FORBIDDEN",
      admin: "204",
      otherAdmin: "404 NOT_FOUND",
    },
  },
  "GET /v1/jobs/:id/documents": { request: (f) => ({ url: `/v1/jobs/${f.job}/documents` }), expect: readOwn },
  "POST /v1/jobs/:id/cancel": {
    request: (f) => ({ url: `/v1/jobs/${f.job}/cancel` }),
    expect: { ...readOwn, reader: "403 FORBIDDEN" },
  },
  "GET /v1/jobs/:id/results": { request: (f) => ({ url: `/v1/jobs/${f.job}/results` }), expect: readOwn },
  "GET /v1/jobs/:id/events": { request: (f) => ({ url: `/v1/jobs/${f.job}/events` }), expect: readOwn },
  "POST /v1/batches": {
    request: () => ({ url: "/v1/batches", payload: ZIP, headers: { "content-type": "application/zip" } }),
    expect: { none: "401", reader: "403 FORBIDDEN", submitter: "202", admin: "202", otherAdmin: "202" },
  },
  "GET /v1/batches/:id": { request: (f) => ({ url: `/v1/batches/${f.batch}` }), expect: readOwn },
  "GET /v1/batches/:id/results": {
    request: (f) => ({ url: `/v1/batches/${f.batch}/results` }),
    expect: readOwn,
  },
};

let ZIP: Buffer;

describe("route x role", () => {
  let harness: Harness;
  const keys = {} as Record<Exclude<Caller, "none">, string>;
  let shared: Fixture;

  const call = (method: string, row: Row, fixture: Fixture, caller: Caller) => {
    const key = caller === "none" ? undefined : keys[caller];
    const { url, payload, headers } = row.request(fixture, key);
    return harness.app.inject({
      method: method as "GET",
      url,
      headers: { ...bearer(key), ...headers },
      ...(payload === undefined ? {} : { payload: payload as string }),
    });
  };

  /** The owning tenant's document job and batch, settled. */
  async function fixture(): Promise<Fixture> {
    const headers = bearer(keys.submitter);
    const posted = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      headers,
      payload: { text: `${letter} ${Math.random()}`, filename: "acte.txt" },
    });
    const job = posted.json() as { id: string; document: string };
    const batch = (
      await harness.app.inject({
        method: "POST",
        url: "/v1/batches",
        headers: { ...headers, "content-type": "application/zip" },
        payload: ZIP,
      })
    ).json() as { id: string };
    await harness.services.jobs.whenSettled(job.id);
    await harness.services.jobs.whenSettled(batch.id);
    return { document: job.document, job: job.id, batch: batch.id };
  }

  beforeAll(async () => {
    ZIP = await buildZip([{ name: "a.txt", data: letter }]);
    harness = await startHarness({
      server: { respond: lexiconModel([{ type: "place", text: "Bordeaux" }]) },
    });
    const { store } = harness.services;
    for (const role of ["reader", "submitter", "admin"] as Role[])
      keys[role] = (await addKey(store, role, "archives")).key;
    keys.otherAdmin = (await addKey(store, "admin", "elsewhere")).key;
    shared = await fixture();
  });
  afterAll(() => harness.close());

  it("has a row for every /v1 route the app serves", () => {
    const served = routesOf(harness.app).filter(
      (route) => / \/v1\//.test(route) && !route.startsWith("HEAD "),
    );
    expect(served.sort()).toEqual(Object.keys(ROWS).sort());
  });

  it.each(Object.entries(ROWS))("%s", async (route, row) => {
    const method = route.split(" ")[0] as string;
    const got: Record<string, string> = {};
    for (const caller of CALLERS) {
      const response = await call(method, row, row.destructive ? await fixture() : shared, caller);
      const code = response.statusCode >= 400 ? (response.json().error?.code as string) : undefined;
      const expected = row.expect[caller];
      // The code is compared where the row names one; a 401 is always UNAUTHORIZED.
      got[caller] =
        expected.includes(" ") || response.statusCode === 401
          ? `${response.statusCode}${code && code !== "UNAUTHORIZED" ? ` ${code}` : ""}`
          : String(response.statusCode);
      if (response.statusCode === 401) expect(code).toBe("UNAUTHORIZED");
    }
    expect(got).toEqual(row.expect);
  });

  it("answers HEAD as GET: no key, no answer", async () => {
    const response = await harness.app.inject({ method: "HEAD", url: `/v1/jobs/${shared.job}` });
    expect(response.statusCode).toBe(401);
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer/);
  });

  it("leaves /health, /ready, the API description and the review page open", async () => {
    for (const url of ["/health", "/ready", "/docs/json", "/"]) {
      const response = await harness.app.inject({ url });
      expect([url, response.statusCode]).toEqual([url, 200]);
    }
  });

  it("tells /ready's anonymous callers the limits, not which server or model answers", async () => {
    const { endpoint } = (await harness.app.inject({ url: "/ready" })).json();
    expect(Object.keys(endpoint).sort()).toEqual([
      "maxConcurrentRequests",
      "maxInputTokens",
      "maxTotalTokens",
    ]);
    harness.server.setHealthy(false);
    const down = (await harness.app.inject({ url: "/ready" })).json();
    harness.server.setHealthy(true);
    expect(down.error).toMatchObject({ code: "NOT_READY", message: "The model server is not ready." });
  });
});

describe("a route that declares no role", () => {
  it("stops the app from starting", async () => {
    const app = Fastify();
    const authenticator = {} as Authenticator;
    await expect(
      app.register(async (scope) => {
        await authentication(scope, authenticator);
        scope.get("/v1/forgotten", async () => "open to all");
      }),
    ).rejects.toThrow(/GET \/v1\/forgotten declares no access/);
  });
});
