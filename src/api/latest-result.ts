/** The latest result of a stored document, for the routes that serve it whole or page by page. */
import { PalimpsestError } from "../errors.js";
import type { ResultRecord, Store } from "../store/port.js";

/**
 * The tenant's, for `profile` when named; NOT_FOUND says whether the document or only its result is
 * missing (another tenant's document is missing).
 */
export async function latestResult(
  store: Store,
  id: string,
  tenant: string,
  profile?: string,
): Promise<ResultRecord> {
  const result = await store.latestResult(id, tenant, profile);
  if (result) return result;
  const known = await store.getDocument(id, tenant);
  throw new PalimpsestError(
    "NOT_FOUND",
    known
      ? `Document ${id} has no result${profile ? ` for profile "${profile}"` : ""} yet; follow its job.`
      : `There is no document ${id}.`,
  );
}
