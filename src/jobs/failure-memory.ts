/**
 * Hard failures remembered for a document's bytes. A document that is corrupt, too large, has too many
 * pages or chunks, or needs more OCR than its budgets fails the same way for every job that reads it
 * under the same conditions: the first one stores the failure under the document (its sha256) and a
 * key of those conditions, the others fail at once with it instead of reading the document again
 * (fifty uploads of one text that fails after a minute of chunking cost one minute, not fifty).
 *
 * The key holds the result fingerprint (profile, model, and the settings that change results, among
 * them MAX_PAGES, MAX_CHUNKS and OCR_PAGE_PIXELS), the limits that decide a failure without changing a
 * result, and the tenant, which learns nothing this way of what another one stored. Raising a limit
 * changes the key, so the document is read again.
 */
import { createHash } from "node:crypto";
import type { Config } from "../config.js";
import { ERRORS, type ErrorCode } from "../errors.js";
import type { StoredError } from "../store/port.js";

/** Settings left out of the fingerprint (they change no result) that decide whether a document fails. */
const LIMITS = ["ocrDocumentPixels", "ocrDocumentSeconds"] as const satisfies readonly (keyof Config)[];

export function failureKey(
  input: { tenant: string; fingerprint: string },
  config: Pick<Config, (typeof LIMITS)[number]>,
): string {
  const limits = LIMITS.map((name) => config[name]);
  return createHash("sha256")
    .update(JSON.stringify([input.tenant, input.fingerprint, limits]))
    .digest("hex");
}

/**
 * The failures that are the document's own: refused for what it is (4xx) and that a retry cannot help.
 * Not a model server's refusal, a crash, a timeout of the whole document or a quota: those depend on
 * the moment.
 */
export function isRemembered(error: StoredError): boolean {
  const entry = ERRORS[error.code as ErrorCode] as { status: number; retryable: boolean } | undefined;
  return entry !== undefined && !entry.retryable && entry.status >= 400 && entry.status < 500;
}
