/**
 * What the paged listings (GET /v1/jobs, GET /v1/jobs/:id/documents, GET /v1/documents) share: the
 * next page (its size and cursor are declared with the other request shapes, in schemas/requests.ts).
 */

/**
 * The end of a page: the cursor of the next one and the URL to fetch it (the same query, `cursor` set to
 * it); both absent on the last page.
 */
export function pageEnd<Cursor extends string | number>(
  path: string,
  query: Record<string, string | number | undefined>,
  cursor: "before" | "after",
  next: Cursor | undefined,
): { next?: Cursor; links: { next?: string } } {
  if (next === undefined) return { links: {} };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...query, [cursor]: next }))
    if (value !== undefined) params.set(name, String(value));
  return { next, links: { next: `${path}?${params}` } };
}
