/**
 * Our retry policy for model calls (the library's own is turned off in transport.ts): bounded retries with
 * exponential backoff and full jitter, a time limit per attempt, and the caller's signal honoured throughout.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { BaseLogger } from "pino";
import { RETRIED_CODES, toEndpointError } from "./errors.js";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const abortableSleep: Sleep = (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined);

export interface RetryOptions {
  /** Retries after the first attempt (MODEL_RETRIES). */
  retries: number;
  /** Backoff ceiling of the first retry, doubled each retry (MODEL_RETRY_BASE_MS)... */
  baseMs: number;
  /** ...up to this (MODEL_RETRY_MAX_MS). */
  maxMs: number;
  /** Time limit of one attempt (MODEL_TIMEOUT_MS). */
  timeoutMs: number;
  /** Names the server in error messages. */
  where: string;
  sleep: Sleep;
  logger: Pick<BaseLogger, "warn">;
  /** Source of jitter in [0, 1). */
  random?: () => number;
}

export interface Attempted<T> {
  value: T;
  attempts: number;
}

/**
 * Runs `attempt` until it succeeds, fails in a way retrying cannot fix, or the retries are spent. Retries
 * are logged to `log` when given (the logger of the document the call is for, which names its request and
 * job), else to the endpoint's own.
 */
export type Retrier = <T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
  log?: Pick<BaseLogger, "warn">,
) => Promise<Attempted<T>>;

export function createRetrier(options: RetryOptions): Retrier {
  const random = options.random ?? Math.random;
  return async (attempt, signal, log = options.logger) => {
    for (let attempts = 1; ; attempts++) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      try {
        return { value: await attempt(signal ? AbortSignal.any([signal, timeout]) : timeout), attempts };
      } catch (raw) {
        // The caller gave up (document time limit, client gone): theirs to report, not ours to retry.
        signal?.throwIfAborted();
        // If our own timer fired, that is what happened, whatever the fetch implementation threw.
        const error = toEndpointError(timeout.aborted ? timeout.reason : raw, options.where, attempts);
        if (!RETRIED_CODES.has(error.code) || attempts > options.retries) throw error;
        // Full jitter spreads the retries of many callers hit by the same overload; a server that says how
        // long it needs (the hosted API's 503 estimated_time) is believed even beyond maxMs.
        const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** (attempts - 1));
        const hinted = Number(error.details?.retryAfterMs ?? 0);
        const delayMs = Math.max(Math.round(random() * ceiling), hinted);
        log.warn(
          { code: error.code, upstreamStatus: error.details?.upstreamStatus, attempt: attempts, delayMs },
          "model call failed; retrying",
        );
        try {
          await options.sleep(delayMs, signal);
        } finally {
          signal?.throwIfAborted();
        }
      }
    }
  };
}
