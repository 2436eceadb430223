/**
 * OpenTelemetry tracing, off by default (TRACING=otlp turns it on). The pipeline and the model-call
 * decorator instrument through @opentelemetry/api alone: until a provider is registered, its tracer
 * hands out non-recording spans, so tracing off costs a few no-op calls per stage and records nothing.
 * The SDK is loaded only when tracing is on (tracing-sdk.ts).
 * Attributes carry ids, codes and counts only: never document text, a file name or a URL.
 */
import { type Attributes, type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Config } from "../config.js";
import { isPalimpsestError } from "../errors.js";

/** The instrumentation scope of every span the service makes. */
export const TRACER_NAME = "palimpsest";

/** A running tracer provider: `shutdown` exports the spans still buffered, then unregisters it. */
export interface Tracing {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Registers the tracer provider when TRACING asks for one; undefined when tracing is off. Spans go to
 * `exporter`, by default OTLP over HTTP to the standard OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT.
 */
export async function startTracing(
  config: Pick<Config, "tracing">,
  exporter?: SpanExporter,
): Promise<Tracing | undefined> {
  if (config.tracing === "off") return undefined;
  const { registerTracing } = await import("./tracing-sdk.js");
  return registerTracing(exporter);
}

/**
 * Runs `work` in a span named `name`, a child of the active span, and ends the span however `work`
 * ends. A failure marks it with the catalogue's code only: error messages may quote the document.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      const code = isPalimpsestError(error) ? error.code : "INTERNAL";
      span.setAttribute("error.type", code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The attribute that ties a span to the request it serves (X-Request-Id), where there is one. */
export function requestAttributes(requestId: string | undefined): Attributes {
  return requestId === undefined ? {} : { "palimpsest.request_id": requestId };
}
