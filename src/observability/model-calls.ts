/**
 * Counts the model calls of one model server's adapter for /metrics, and traces each as a span: a
 * decorator of the model-server port placed under the server pool, so a call is timed from the slot it
 * holds, not its wait for one.
 */
import type { Span } from "@opentelemetry/api";
import type { LlmEndpoint } from "../endpoint/port.js";
import { isPalimpsestError } from "../errors.js";
import type { Metrics, ModelCallReport } from "./metrics.js";
import { inSpan, requestAttributes } from "./tracing.js";

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
    generate: (request) =>
      inSpan("model.generate", requestAttributes(request.requestId), async (span) => {
        const report = (call: ModelCallReport) => {
          metrics.modelCall(call);
          describeCall(span, call);
        };
        const started = performance.now();
        const seconds = () => (performance.now() - started) / 1000;
        try {
          const result = await endpoint.generate(request);
          const server = await serverKind();
          report({
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
          report({
            server: await serverKind(),
            ...failure(error, request.signal),
            seconds: seconds(),
          });
          throw error;
        }
      }),
  };
}

/** The call's figures as its span's attributes: the same as its metrics' labels and counts. */
function describeCall(span: Span, call: ModelCallReport): void {
  span.setAttributes({
    "palimpsest.model.server": call.server,
    "palimpsest.model.outcome": call.outcome,
    "palimpsest.model.attempts": call.retries + 1,
    ...(call.status === "none" ? {} : { "http.response.status_code": Number(call.status) }),
    ...(call.promptTokens === undefined ? {} : { "gen_ai.usage.input_tokens": call.promptTokens }),
    ...(call.generatedTokens === undefined ? {} : { "gen_ai.usage.output_tokens": call.generatedTokens }),
  });
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
