/**
 * Counts the model calls of one model server's adapter for /metrics: a decorator of the model-server
 * port placed under the server pool, so a call is timed from the slot it holds, not its wait for one.
 */
import type { LlmEndpoint } from "../endpoint/port.js";
import { isPalimpsestError } from "../errors.js";
import type { Metrics } from "./metrics.js";

export function observeModelCalls(endpoint: LlmEndpoint, metrics: Pick<Metrics, "modelCall">): LlmEndpoint {
  const serverKind = () =>
    endpoint.info().then(
      (info) => info.kind,
      () => "unknown",
    );
  return {
    info: () => endpoint.info(),
    countTokens: (text) => endpoint.countTokens(text),
    probe: (signal) => endpoint.probe(signal),
    async generate(request) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const result = await endpoint.generate(request);
        const server = await serverKind();
        metrics.modelCall({
          server,
          outcome: "ok",
          // Adapters over HTTP only return on a 2xx answer; the embedded model has no HTTP at all.
          status: server === "embedded" ? "none" : "200",
          seconds: seconds(),
          retries: result.attempts - 1,
          ...(result.promptTokens === undefined ? {} : { promptTokens: result.promptTokens }),
          ...(result.generatedTokens === undefined ? {} : { generatedTokens: result.generatedTokens }),
        });
        return result;
      } catch (error) {
        metrics.modelCall({
          server: await serverKind(),
          ...failure(error, request.signal),
          seconds: seconds(),
        });
        throw error;
      }
    },
  };
}

/** Outcome, status and retries of a call that failed, from the catalogue error's details. */
function failure(error: unknown, signal: AbortSignal | undefined) {
  if (signal?.aborted) return { outcome: "cancelled", status: "none", retries: 0 };
  if (!isPalimpsestError(error)) return { outcome: "INTERNAL", status: "none", retries: 0 };
  const details = (error.details ?? {}) as { upstreamStatus?: unknown; attempts?: unknown };
  return {
    outcome: error.code,
    status: typeof details.upstreamStatus === "number" ? String(details.upstreamStatus) : "none",
    retries: typeof details.attempts === "number" ? Math.max(0, details.attempts - 1) : 0,
  };
}
