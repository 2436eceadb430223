/**
 * What the paged listings (GET /v1/jobs, GET /v1/jobs/:id/documents, GET /v1/documents) share: page
 * size, cursor and next page.
 */

export const PAGE_LIMIT = {
  type: "integer",
  minimum: 1,
  maximum: 200,
  default: 50,
  description: "Items per page, at most 200.",
} as const;

/** The cursor of the listings newest first: opaque, refused (400) when the store did not give it. */
export const BEFORE_CURSOR = {
  type: "string",
  minLength: 1,
  description: "The `next` of the page before.",
} as const;

/**
 * The end of a page: the cursor of the next one and the URL to fetch it (the same query, `cursor` set to
 * it); both absent on the last page.
 */
export function pageEnd(
  path: string,
  query: Record<string, string | number | undefined>,
  cursor: "before" | "after",
  next: string | number | undefined,
): { next?: string | number; links: { next?: string } } {
  if (next === undefined) return { links: {} };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...query, [cursor]: next }))
    if (value !== undefined) params.set(name, String(value));
  return { next, links: { next: `${path}?${params}` } };
}
