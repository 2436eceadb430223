/**
 * The review page's session (cookie set by POST /v1/session) and the CSRF defence: with the cookie,
 * a request that changes something needs the token GET /v1/session gives; from another origin, it is
 * refused whatever the mode, unless it carries a key; the key itself never needs a token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addKey, bearer } from "../support/auth.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

const letter = "Acte passé à Bordeaux le 2 mars 1790.";
const model = lexiconModel([{ type: "place", text: "Bordeaux" }]);

/** The session cookie's `name=value`, from a Set-Cookie header. */
function cookieOf(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return String(header).split(";")[0] as string;
}

describe("review-page session and CSRF", () => {
  let harness: Harness;
  let admin: { key: string; id: string };

  const signIn = async (key: string, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: "POST", url: "/v1/session", payload: { key }, headers });
  const storedDocument = async () => {
    const posted = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: bearer(admin.key),
      payload: { text: `${letter} ${Math.random()}` },
    });
    const job = posted.json() as { id: string; document: string };
    await harness.services.jobs.whenSettled(job.id);
    return job.document;
  };

  beforeAll(async () => {
    harness = await startHarness({ server: { respond: model } });
    admin = await addKey(harness.services.store, "admin", "lyon");
  });
  afterAll(() => harness.close());

  it("sets an HttpOnly, SameSite=Strict cookie, Secure over HTTPS, and never for a bad key", async () => {
    const plain = await signIn(admin.key);
    expect(plain.statusCode).toBe(200);
    expect(plain.json()).toMatchObject({ mode: "keys", tenant: "lyon", role: "admin", key: admin.id });
    const attributes = String(plain.headers["set-cookie"]);
    expect(attributes).toMatch(/^palimpsest_session=[\w-]{43};/);
    expect(attributes).toMatch(/HttpOnly/);
    expect(attributes).toMatch(/SameSite=Strict/);
    expect(attributes).toMatch(/Path=\//);
    expect(attributes).not.toMatch(/Secure/);
    const https = await signIn(admin.key, { "x-forwarded-proto": "https" });
    expect(String(https.headers["set-cookie"])).toMatch(/; Secure/);

    // The key with its last character changed (to one it is not).
    const bad = await signIn(`${admin.key.slice(0, -1)}${admin.key.endsWith("A") ? "B" : "A"}`);
    expect([bad.statusCode, bad.json().error.code, bad.headers["set-cookie"]]).toEqual([
      401,
      "UNAUTHORIZED",
      undefined,
    ]);
  });

  it("authorises reads with the cookie, writes with the cookie and its CSRF token only", async () => {
    const document = await storedDocument();
    const cookie = cookieOf((await signIn(admin.key)).headers["set-cookie"]);
    const session = await harness.app.inject({ url: "/v1/session", headers: { cookie } });
    const { csrfToken } = session.json() as { csrfToken: string };
    expect(csrfToken).toMatch(/^[\w-]{43}$/);
    // Downloads and event streams are plain GETs: the cookie is enough.
    const entities = await harness.app.inject({
      url: `/v1/documents/${document}/entities?format=csv`,
      headers: { cookie },
    });
    expect(entities.statusCode).toBe(200);

    const remove = (headers: Record<string, string>) =>
      harness.app.inject({
        method: "DELETE",
        url: `/v1/documents/${document}`,
        headers: { cookie, ...headers },
      });
    const without = await remove({});
    expect([without.statusCode, without.json().error.code]).toEqual([403, "CSRF_REJECTED"]);
    const wrong = await remove({
      "x-csrf-token": `${csrfToken.slice(0, -1)}${csrfToken.endsWith("x") ? "y" : "x"}`,
    });
    expect(wrong.statusCode).toBe(403);
    const foreign = await remove({ "x-csrf-token": csrfToken, origin: "https://evil.example" });
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([403, "CSRF_REJECTED"]);
    expect((await remove({ "x-csrf-token": csrfToken, origin: "http://localhost:80" })).statusCode).toBe(204);
  });

  it("refuses a form posted from another site, but not a key sent from anywhere", async () => {
    const form = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      payload: letter,
    });
    expect([form.statusCode, form.json().error.code]).toEqual([403, "CSRF_REJECTED"]);
    const withKey = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      headers: { ...bearer(admin.key), origin: "https://tool.example" },
      payload: { text: letter },
    });
    expect(withKey.statusCode).toBe(200);
  });

  it("ends the session on sign-out, and with its key", async () => {
    const signedIn = await signIn(admin.key);
    const cookie = cookieOf(signedIn.headers["set-cookie"]);
    const { csrfToken } = signedIn.json() as { csrfToken: string };
    const out = await harness.app.inject({
      method: "DELETE",
      url: "/v1/session",
      headers: { cookie, "x-csrf-token": csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers["set-cookie"])).toMatch(/palimpsest_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await harness.app.inject({ url: "/v1/jobs", headers: { cookie } })).statusCode).toBe(401);

    const reader = await addKey(harness.services.store, "reader", "lyon");
    const readerCookie = cookieOf((await signIn(reader.key)).headers["set-cookie"]);
    expect(
      (await harness.app.inject({ url: "/v1/jobs", headers: { cookie: readerCookie } })).statusCode,
    ).toBe(200);
    await harness.services.store.revokeKey(reader.id, Date.now());
    expect(
      (await harness.app.inject({ url: "/v1/jobs", headers: { cookie: readerCookie } })).statusCode,
    ).toBe(401);
    expect((await harness.app.inject({ url: "/v1/jobs", headers: bearer(reader.key) })).statusCode).toBe(401);
  });
});

describe("open mode (loopback, no key yet)", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ server: { respond: model } });
  });
  afterAll(() => harness.close());

  it("lets anyone on this machine in as the default tenant's admin, but no other origin's forms", async () => {
    const session = await harness.app.inject({ url: "/v1/session" });
    expect(session.json()).toEqual({ mode: "open", tenant: "default", role: "admin" });
    const foreign = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { origin: "http://evil.example" },
      payload: { text: letter },
    });
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([403, "CSRF_REJECTED"]);
    // A key that is not one does not make it a key's request.
    const fakeKey = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { origin: "http://evil.example", authorization: "Bearer nonsense" },
      payload: { text: letter },
    });
    expect(fakeKey.statusCode).toBe(403);
    const own = await harness.app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { origin: "http://localhost:80" },
      payload: { text: letter },
    });
    expect(own.statusCode).toBe(202);
  });

  it("asks for keys as soon as one is created, whoever creates it", async () => {
    expect((await harness.app.inject({ url: "/v1/jobs" })).statusCode).toBe(200);
    const { key } = await addKey(harness.services.store, "reader", "default");
    const anonymous = await harness.app.inject({ url: "/v1/jobs" });
    expect([anonymous.statusCode, anonymous.json().error.code]).toEqual([401, "UNAUTHORIZED"]);
    // The jobs made in open mode are the default tenant's.
    const jobs = (await harness.app.inject({ url: "/v1/jobs", headers: bearer(key) })).json().jobs;
    expect(jobs).toHaveLength(1);
  });
});
