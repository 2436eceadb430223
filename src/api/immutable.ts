/** Caching of what never changes once made: a page image of content-addressed bytes. */

/**
 * The bytes are content-addressed: the image of a page cut and scaled one way is the same for ever.
 * Private: a shared cache must not hand one tenant's page to another.
 */
export const IMMUTABLE = "private, max-age=31536000, immutable";

/** If-None-Match compares weakly (RFC 9110, 13.1.2): W/"x" matches "x". */
export function matches(header: string | undefined, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return header?.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === opaque(etag)) ?? false;
}
