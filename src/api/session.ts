/**
 * The review page's sign-in: POST /v1/session with an API key sets the session cookie (HttpOnly,
 * SameSite=Strict, Secure over HTTPS), so page images, downloads and event streams are authorised without
 * the page holding the key; GET /v1/session says who is signed in (401 when nobody: the page then shows
 * its sign-in form) and gives the CSRF token; DELETE /v1/session signs out.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Authenticator, Principal } from "../auth/authenticator.js";
import { csrfToken, SESSION_COOKIE } from "../auth/sessions.js";
import type { Config } from "../config.js";
import { PalimpsestError } from "../errors.js";
import { caller } from "./plugins/authentication.js";

function sessionView(principal: Principal) {
  return {
    mode: principal.via === "open" ? "open" : "keys",
    tenant: principal.tenant,
    role: principal.role,
    ...(principal.keyId === undefined ? {} : { key: principal.keyId }),
    ...(principal.session === undefined ? {} : { csrfToken: csrfToken(principal.session) }),
  };
}

/** Secure over HTTPS, also when a proxy in front says it received HTTPS (the flag only restricts). */
function overHttps(request: FastifyRequest): boolean {
  return request.protocol === "https" || /^https\b/i.test(String(request.headers["x-forwarded-proto"] ?? ""));
}

function setSessionCookie(reply: FastifyReply, request: FastifyRequest, token: string, maxAgeMs: number) {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "strict",
    secure: overHttps(request),
    path: "/",
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export async function sessionRoutes(
  app: FastifyInstance,
  authenticator: Authenticator,
  config: Pick<Config, "sessionTtlMs">,
): Promise<void> {
  app.post<{ Body: { key: string } }>(
    "/v1/session",
    {
      config: { access: "public" },
      schema: {
        tags: ["session"],
        summary: "Sign in with an API key: sets the review page's session cookie",
        body: {
          type: "object",
          properties: { key: { type: "string", minLength: 1, maxLength: 256 } },
          required: ["key"],
        },
      },
    },
    async (request, reply) => {
      const open = await authenticator.open();
      if (open) return sessionView(open);
      const signedIn = await authenticator.signIn(request.body.key);
      if (!signedIn)
        throw new PalimpsestError(
          "UNAUTHORIZED",
          "This API key is not valid (unknown, revoked or mistyped).",
        );
      setSessionCookie(reply, request, signedIn.token, config.sessionTtlMs);
      return sessionView(signedIn.principal);
    },
  );

  app.get(
    "/v1/session",
    {
      config: { access: "reader" },
      schema: {
        tags: ["session"],
        summary: "Who is signed in: mode (open or keys), tenant, role, and the CSRF token of a session",
      },
    },
    async (request) => sessionView(caller(request)),
  );

  app.delete(
    "/v1/session",
    {
      config: { access: "public" },
      schema: { tags: ["session"], summary: "Sign out: ends the session and clears its cookie" },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await authenticator.signOut(token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(204).send();
    },
  );
}
