/**
 * Authentication and authorisation of the /v1 routes, applied to their whole group (as an autohook):
 * every route there declares the least role it needs (`config: { access }`, see auth/roles.ts), and a
 * route that declares none stops the app from starting. Each request is identified (API key, review-page
 * session, or anyone in open mode) before its handler runs; the principal is `request.principal`.
 * State-changing requests that do not carry a key are refused when they come from another origin, and,
 * with the session cookie, without the CSRF token derived from it.
 */
import cookie from "@fastify/cookie";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Authenticator, Principal } from "../../auth/authenticator.js";
import { type Access, allows } from "../../auth/roles.js";
import { CSRF_HEADER, matchesCsrf, SESSION_COOKIE } from "../../auth/sessions.js";
import { PalimpsestError } from "../../errors.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The least role the route needs; every /v1 route declares it. */
    access?: Access;
  }
  interface FastifyRequest {
    /** Who asks; always set on routes that need a role (see caller()). */
    principal?: Principal;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** `trustedOrigins`: other origins whose pages may change things without a key (CORS_ORIGINS). */
export async function authentication(
  scope: FastifyInstance,
  authenticator: Authenticator,
  trustedOrigins: readonly string[] = [],
): Promise<void> {
  await scope.register(cookie);
  scope.decorateRequest("principal", undefined);
  scope.addHook("onRoute", (route) => {
    if (route.config?.access === undefined)
      throw new Error(
        `${String(route.method)} ${route.url} declares no access (config.access): say which role it needs`,
      );
  });
  scope.addHook("onRequest", async (request, reply) => {
    const access = request.routeOptions.config.access as Access;
    const unsafe = !SAFE_METHODS.has(request.method);
    const principal = await identify(request, authenticator, bearerKey(request));
    // A browser never adds a key on its own: only requests without a valid one can be forged by a page.
    if (unsafe && principal?.via !== "bearer" && !sameOrigin(request, trustedOrigins))
      throw new PalimpsestError(
        "CSRF_REJECTED",
        "A state-changing request from another origin is refused; send the API key as Authorization: Bearer.",
      );
    if (!principal) {
      if (access === "public") return;
      reply.header("www-authenticate", 'Bearer realm="palimpsest"');
      throw new PalimpsestError(
        "UNAUTHORIZED",
        "An API key is needed: send it as Authorization: Bearer <key>, or sign in on the review page.",
      );
    }
    if (!allows(principal.role, access))
      throw new PalimpsestError(
        "FORBIDDEN",
        `This key's role is ${principal.role}; ${request.method} ${request.routeOptions.url} needs ${access}.`,
      );
    if (unsafe && principal.session !== undefined && !matchesCsrf(principal.session, csrfHeader(request)))
      throw new PalimpsestError(
        "CSRF_REJECTED",
        `The review page's requests that change something carry the ${CSRF_HEADER} header GET /v1/session gives.`,
      );
    request.principal = principal;
  });
}

/** The principal of a route that needs a role (the hook refused the request otherwise). */
export function caller(request: FastifyRequest): Principal {
  if (!request.principal) throw new PalimpsestError("UNAUTHORIZED", "An API key is needed.");
  return request.principal;
}

async function identify(
  request: FastifyRequest,
  authenticator: Authenticator,
  bearer: string | undefined,
): Promise<Principal | undefined> {
  const open = await authenticator.open();
  if (open) return open;
  if (request.headers.authorization !== undefined) {
    const principal = bearer === undefined ? undefined : await authenticator.byKey(bearer);
    if (principal) return principal;
    throw new PalimpsestError(
      "UNAUTHORIZED",
      "The API key is not valid (unknown, revoked or mistyped); the header is Authorization: Bearer <key>.",
    );
  }
  const session = request.cookies[SESSION_COOKIE];
  return session ? authenticator.bySession(session) : undefined;
}

function bearerKey(request: FastifyRequest): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? "")?.[1];
}

function csrfHeader(request: FastifyRequest): string | undefined {
  const value = request.headers[CSRF_HEADER];
  return typeof value === "string" ? value : undefined;
}

/**
 * Whether a browser sent the request from a page of this service, or of a trusted origin: its Origin
 * names the host the request was sent to (X-Forwarded-Host behind a proxy: a page cannot set that header on a form post), or, without
 * an Origin, Sec-Fetch-Site does not say another site. Clients other than browsers send neither.
 */
function sameOrigin(request: FastifyRequest, trustedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) {
    const site = request.headers["sec-fetch-site"];
    return site === undefined || site === "same-origin" || site === "none";
  }
  if (trustedOrigins.includes(origin)) return true;
  const forwarded = request.headers["x-forwarded-host"];
  return [request.headers.host, typeof forwarded === "string" ? forwarded : undefined].some(
    (host) => host !== undefined && sameHost(origin, host),
  );
}

/** Whether `origin` names `host` (a Host header), default ports included: http://a and a:80 are one. */
function sameHost(origin: string, host: string): boolean {
  try {
    const from = new URL(origin);
    return from.host === new URL(`${from.protocol}//${host}`).host;
  } catch {
    return false;
  }
}
