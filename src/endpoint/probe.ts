/**
 * Readiness probes: does the model server answer now? One GET of a route that costs the server next to
 * nothing, never retried and with a short time limit: a probe reports the present and must answer fast
 * (a readiness check gives up after a few seconds), while retries with backoff are for calls that must get
 * done.
 */
import { isPalimpsestError, PalimpsestError } from "../errors.js";
import { createRetrier, type RetryOptions } from "./retry.js";
import type { Transport } from "./transport.js";

/**
 * Time limit of one probe. MODEL_TIMEOUT_MS (2 minutes by default) bounds a generation; TGI's /health
 * costs at most a one-token prefill and /v1/models none, so a server that cannot answer them in 3 s is not
 * ready to serve. Under the 5 s timeout of the healthchecks in docker-compose.yml, so a check pointed at
 * /ready gets our answer rather than its own timeout.
 */
export const PROBE_TIMEOUT_MS = 3_000;

/** GETs `path`: resolves when it answers 2xx, rejects with the catalogue error of what happened otherwise. */
export type Prober = (path: string, signal?: AbortSignal) => Promise<void>;

export function createProber(
  transport: Transport,
  retry: RetryOptions,
  timeoutMs = PROBE_TIMEOUT_MS,
): Prober {
  // The retry policy's attempt (time limit, the caller's signal, errors mapped to the catalogue), made once.
  const once = createRetrier({ ...retry, retries: 0, timeoutMs });
  return async (path, signal) => {
    try {
      await once((attemptSignal) => transport.ping(path, attemptSignal), signal);
    } catch (error) {
      if (!isPalimpsestError(error)) throw error;
      // The attempt's own messages advise on generations (raise MODEL_TIMEOUT_MS, lower
      // MODEL_CONCURRENCY), which a probe is not: say what the server answered instead.
      const status = (error.details as { upstreamStatus?: unknown } | undefined)?.upstreamStatus;
      if (error.code === "ENDPOINT_TIMEOUT")
        throw new PalimpsestError(
          "ENDPOINT_TIMEOUT",
          `The model server at ${transport.baseUrl} did not answer GET ${path} within ${timeoutMs} ms. Check that it is running and not overloaded.`,
          { cause: error, details: error.details },
        );
      if (typeof status === "number") {
        const said = (error.details as { upstreamMessage?: unknown }).upstreamMessage;
        throw new PalimpsestError(
          error.code,
          `GET ${path} on ${transport.baseUrl} answered HTTP ${status}${typeof said === "string" && said ? ` (${said})` : ""}: the server is not serving yet (loading the model, or unhealthy); check its logs.`,
          { cause: error, details: error.details },
        );
      }
      throw error;
    }
  };
}
