/**
 * The OpenTelemetry SDK, loaded only when tracing is on: a Node tracer provider (spans follow async
 * calls), a batch processor, and OTLP over HTTP, configured by the standard OTEL_EXPORTER_OTLP_*
 * variables. The service is named `palimpsest` unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES)
 * names it otherwise.
 */
import { context, propagation, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from "@opentelemetry/resources";
import { BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { packageVersion } from "../package-info.js";
import type { Tracing } from "./tracing.js";

export function registerTracing(exporter: SpanExporter = new OTLPTraceExporter()): Tracing {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ "service.name": "palimpsest", "service.version": packageVersion() }))
    // The environment's names win: the standard variables are how operators name services.
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register();
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
