/** The page's addresses (hash routes), made in one place: main.ts reads them. */

/** A document's view, for a profile's result; optionally at a page or a mention, and from its job. */
export function documentHref(
  id: string,
  profile: string,
  extra: { job?: string | null; page?: number; mention?: string } = {},
): string {
  const query = new URLSearchParams({ profile });
  if (extra.job) query.set("job", extra.job);
  if (extra.page !== undefined) query.set("page", String(extra.page));
  if (extra.mention) query.set("mention", extra.mention);
  return `#/documents/${encodeURIComponent(id)}?${query}`;
}

export const jobHref = (id: string) => `#/jobs/${encodeURIComponent(id)}`;
