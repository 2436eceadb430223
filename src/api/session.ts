/**
 * The review page's sign-in: POST /v1/session with an API key sets the session cookie (HttpOnly,
 * SameSite=Strict, Secure over HTTPS), so page images, downloads and event streams are authorised without
 * the page holding the key; GET /v1/session says who is signed in (401 when nobody: the page then shows
 * its sign-in form) and gives the CSRF token; DELETE /v1/session signs out.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Authenticator, Principal } from "../auth/authenticator.js";
import { csrfToken, SESSION_COOKIE } from "../auth/sessions.js";
import type { Config } from "../config.js";
import { PalimpsestError } from "../errors.js";
import { noContent, refTo } from "../schemas/builders.js";
import { type Session, Session as SessionSchema, SignIn } from "../schemas/session.js";
import { caller } from "./plugins/authentication.js";

function sessionView(principal: Principal): Session {
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
  fastify: FastifyInstance,
  authenticator: Authenticator,
  config: Pick<Config, "sessionTtlMs">,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    "/v1/session",
    {
      config: { access: "public" },
      schema: {
        operationId: "signIn",
        tags: ["session"],
        summary: "Sign in with an API key: sets the review page's session cookie",
        body: SignIn,
        response: { 200: refTo(SessionSchema) },
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
        operationId: "getSession",
        tags: ["session"],
        summary: "Who is signed in: mode (open or keys), tenant, role, and the CSRF token of a session",
        response: { 200: refTo(SessionSchema) },
      },
    },
    async (request) => sessionView(caller(request)),
  );

  app.delete(
    "/v1/session",
    {
      config: { access: "public" },
      schema: {
        operationId: "signOut",
        tags: ["session"],
        summary: "Sign out: ends the session and clears its cookie",
        response: { 204: noContent("Signed out.") },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await authenticator.signOut(token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(204).send();
    },
  );
}
