/**
 * Quotas of a key (jobs at once, pages read by OCR per UTC day) and of its tenant (bytes stored),
 * checked before work is accepted, and the usage GET /v1/usage shows. Open mode has no key and no quota.
 * A limit of 0 means none.
 */
import type { Config } from "../config.js";
import { PalimpsestError } from "../errors.js";
import type { Extraction } from "../pipeline/extraction.js";
import type { Store } from "../store/port.js";
import type { Principal } from "./authenticator.js";

export type QuotaLimits = Pick<Config, "quotaConcurrentJobs" | "quotaStoredBytes" | "quotaOcrPagesPerDay">;

/** A job slot frees itself when a job ends: a minute is a fair time to look again. */
const JOBS_RETRY_SECONDS = 60;
/** Stored bytes free up only when documents are deleted: an hour, so as not to be asked in a loop. */
const STORAGE_RETRY_SECONDS = 3600;
const DAY_MS = 86_400_000;

/** The usage day of a timestamp: its UTC date, YYYY-MM-DD. */
export const utcDay = (now: number): string => new Date(now).toISOString().slice(0, 10);

const secondsToNextDay = (now: number): number => Math.ceil((DAY_MS - (now % DAY_MS)) / 1000);

function exceeded(
  quota: string,
  setting: string,
  limit: number,
  used: number,
  retryAfter: number,
  advice: string,
) {
  return new PalimpsestError(
    "QUOTA_EXCEEDED",
    `The ${quota} quota is used up (${used} of ${limit}, ${setting}): ${advice}`,
    {
      details: { quota, limit, used, retryAfter },
    },
  );
}

/** Refuses new work when one of its quotas is used up; `bytes` is what the work adds to the tenant's store. */
export async function admitWork(
  store: Store,
  limits: QuotaLimits,
  principal: Principal,
  work: { job: boolean; bytes: number },
  now = Date.now(),
): Promise<void> {
  const { keyId, tenant } = principal;
  if (keyId === undefined) return;
  await checkOcrPages(store, limits, keyId, now);
  if (work.job && limits.quotaConcurrentJobs > 0) {
    const jobs = await store.countActiveJobs(keyId);
    if (jobs >= limits.quotaConcurrentJobs)
      throw exceeded(
        "jobs",
        "QUOTA_CONCURRENT_JOBS",
        limits.quotaConcurrentJobs,
        jobs,
        JOBS_RETRY_SECONDS,
        "wait for a job to end, or cancel one.",
      );
  }
  if (work.bytes > 0) await checkStorage(store, limits, tenant, work.bytes);
}

/** Refuses `bytes` more for the tenant when they would pass QUOTA_STORED_BYTES. */
export async function checkStorage(
  store: Store,
  limits: QuotaLimits,
  tenant: string,
  bytes: number,
): Promise<void> {
  if (limits.quotaStoredBytes === 0) return;
  const stored = await store.storedBytes(tenant);
  if (stored + bytes > limits.quotaStoredBytes)
    throw exceeded(
      "storedBytes",
      "QUOTA_STORED_BYTES",
      limits.quotaStoredBytes,
      stored,
      STORAGE_RETRY_SECONDS,
      "delete documents (DELETE /v1/documents/:id) to make room.",
    );
}

/** Refuses work to a key that has had QUOTA_OCR_PAGES_PER_DAY pages read by OCR today. */
export async function checkOcrPages(
  store: Store,
  limits: QuotaLimits,
  keyId: string,
  now = Date.now(),
): Promise<void> {
  if (limits.quotaOcrPagesPerDay === 0) return;
  const pages = await store.ocrPages(keyId, utcDay(now));
  if (pages >= limits.quotaOcrPagesPerDay)
    throw exceeded(
      "ocrPages",
      "QUOTA_OCR_PAGES_PER_DAY",
      limits.quotaOcrPagesPerDay,
      pages,
      secondsToNextDay(now),
      "the count starts again at midnight UTC.",
    );
}

/** Counts the pages OCR read (or tried to read) for a document, against the key that asked for it. */
export async function countOcrPages(
  store: Store,
  keyId: string | undefined,
  extraction: Extraction,
  now = Date.now(),
): Promise<void> {
  if (keyId === undefined) return;
  const pages = extraction.document.pages.filter(
    (page) => page.needsOcr || page.reading?.method === "ocr",
  ).length;
  if (pages > 0) await store.addOcrPages(keyId, utcDay(now), pages);
}

/** What GET /v1/usage shows: each quota with what is used of it (a limit of 0: none, as in open mode). */
export async function usageOf(
  store: Store,
  limits: QuotaLimits & Pick<Config, "rateLimitPerMinute">,
  principal: Principal,
  now = Date.now(),
) {
  const { keyId, tenant } = principal;
  const day = utcDay(now);
  const limit = (value: number) => (keyId === undefined ? 0 : value);
  return {
    tenant,
    ...(keyId === undefined ? {} : { key: keyId }),
    day,
    requestsPerMinute: { limit: limit(limits.rateLimitPerMinute) },
    jobs: {
      limit: limit(limits.quotaConcurrentJobs),
      used: keyId === undefined ? 0 : await store.countActiveJobs(keyId),
    },
    storedBytes: { limit: limit(limits.quotaStoredBytes), used: await store.storedBytes(tenant) },
    ocrPagesToday: {
      limit: limit(limits.quotaOcrPagesPerDay),
      used: keyId === undefined ? 0 : await store.ocrPages(keyId, day),
    },
  };
}
