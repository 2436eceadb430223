/**
 * Review-page sessions: the cookie holds a random token, the store its sha256. The CSRF token the page
 * sends back in a header is derived from the cookie's token, so it needs no storage and no page on
 * another origin can know it (the cookie is HttpOnly).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "palimpsest_session";
export const CSRF_HEADER = "x-csrf-token";

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function csrfToken(sessionToken: string): string {
  return createHmac("sha256", sessionToken).update("csrf").digest("base64url");
}

export function matchesCsrf(sessionToken: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfToken(sessionToken));
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
