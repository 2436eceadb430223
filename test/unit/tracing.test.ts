/**
 * OpenTelemetry tracing: off by default (no provider registered, nothing recorded); on, a document is
 * one trace with a span per stage, per chunk and per model call, carrying ids and counts, never text.
 */
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracing, type Tracing } from "../../src/observability/tracing.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";

const SENTENCE = "Jean Dupuy écrivit de Bordeaux le 2 mars 1790 à son frère, marchand au port de la Lune.";
const LEXICON = [
  { type: "place", text: "Bordeaux" },
  { type: "person", text: "Jean Dupuy" },
];
const FILENAME = "lettre-dupuy-1790.txt";
/** Long enough to be asked of the model in several chunks. */
const LETTER = Array.from({ length: 40 }, (_, i) => `${i + 1}. ${SENTENCE}`).join("\n\n");

async function extract(harness: Harness, requestId: string) {
  const body = await multipartBody(
    { bytes: new TextEncoder().encode(LETTER), filename: FILENAME, type: "text/plain" },
    { language: "fr" },
  );
  const response = await harness.app.inject({
    method: "POST",
    url: "/v1/extract",
    payload: body.payload,
    headers: { ...body.headers, "x-request-id": requestId },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { document: { id: string }; entities: unknown[]; stats: { chunks: number } };
}

const named = (spans: ReadableSpan[], name: string) => spans.filter((span) => span.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe("tracing off (the default)", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      server: { respond: lexiconModel(LEXICON), maxInputTokens: 1024, maxTotalTokens: 2048 },
    });
  });
  afterAll(() => harness.close());

  it("registers no provider and records nothing", async () => {
    expect(harness.services.config.tracing).toBe("off");
    const exporter = new InMemorySpanExporter();
    expect(await startTracing(harness.services.config, exporter)).toBeUndefined();

    await extract(harness, "untraced-1");

    expect(exporter.getFinishedSpans()).toEqual([]);
    const probe = trace.getTracer("probe").startSpan("probe");
    expect(probe.isRecording()).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe("tracing on (TRACING=otlp)", () => {
  let harness: Harness;
  let tracing: Tracing | undefined;
  const exporter = new InMemorySpanExporter();
  beforeAll(async () => {
    harness = await startHarness({
      server: { respond: lexiconModel(LEXICON), maxInputTokens: 1024, maxTotalTokens: 2048 },
      env: { TRACING: "otlp" },
    });
    tracing = await startTracing(harness.services.config, exporter);
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await harness.close();
  });

  /** The spans of the documents extracted by `work`, once the batch processor has handed them over. */
  async function spansOf(work: () => Promise<unknown>): Promise<ReadableSpan[]> {
    exporter.reset();
    await work();
    await tracing?.flush();
    return exporter.getFinishedSpans();
  }

  it("makes a document span with a span per stage, per chunk and per model call under it", async () => {
    expect(tracing).toBeDefined();
    let result: Awaited<ReturnType<typeof extract>> | undefined;
    const spans = await spansOf(async () => {
      result = await extract(harness, "traced-1");
    });
    if (!result) throw new Error("no extraction");

    const [document, ...others] = named(spans, "document");
    expect(others).toEqual([]);
    if (!document) throw new Error("no document span");
    expect(parentOf(document)).toBeUndefined();
    expect(document.attributes).toMatchObject({
      "palimpsest.request_id": "traced-1",
      "palimpsest.profile": "default",
      "palimpsest.document.id": result.document.id,
      "palimpsest.document.pages": 1,
      "palimpsest.document.chunks": result.stats.chunks,
      "palimpsest.document.mentions": result.entities.length,
    });
    expect(document.resource.attributes["service.name"]).toBe("palimpsest");

    const stages = ["ingest", "normalize", "chunk", "extract", "ground", "merge"];
    for (const stage of stages) {
      const [span, ...more] = named(spans, stage);
      expect(more, stage).toEqual([]);
      expect(parentOf(span as ReadableSpan), stage).toBe(document.spanContext().spanId);
      expect(span?.spanContext().traceId).toBe(document.spanContext().traceId);
    }
    // In pipeline order: each stage starts once the one before has ended.
    const starts = stages.map((stage) => named(spans, stage)[0]?.startTime);
    const nanos = starts.map((time) => (time ? time[0] * 1e9 + time[1] : Number.NaN));
    expect([...nanos].sort((a, b) => a - b)).toEqual(nanos);
    expect(named(spans, "ingest")[0]?.attributes).toMatchObject({
      "palimpsest.document.id": result.document.id,
      "palimpsest.document.media_type": "text/plain",
    });

    const extractSpan = named(spans, "extract")[0] as ReadableSpan;
    const chunks = named(spans, "extract.chunk");
    expect(result.stats.chunks).toBeGreaterThan(1);
    expect(chunks).toHaveLength(result.stats.chunks);
    expect(chunks.map((c) => c.attributes["palimpsest.chunk.index"]).sort()).toEqual(
      Array.from({ length: result.stats.chunks }, (_, i) => i),
    );
    for (const chunk of chunks) expect(parentOf(chunk)).toBe(extractSpan.spanContext().spanId);

    const calls = named(spans, "model.generate");
    const chunkIds = new Set(chunks.map((chunk) => chunk.spanContext().spanId));
    expect(calls.length).toBeGreaterThanOrEqual(chunks.length);
    for (const call of calls) {
      expect(chunkIds.has(parentOf(call) ?? "")).toBe(true);
      expect(call.attributes).toMatchObject({
        "palimpsest.request_id": "traced-1",
        "palimpsest.model.server": "tgi",
        "palimpsest.model.outcome": "ok",
        "palimpsest.model.attempts": 1,
        "http.response.status_code": 200,
      });
      expect(call.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
      expect(call.status.code).not.toBe(SpanStatusCode.ERROR);
    }
  });

  it("records retries and failures on the model call's span and the document's", async () => {
    harness.server.failNext({ status: 429 });
    const retried = await spansOf(() => extract(harness, "traced-2"));
    const attempts = named(retried, "model.generate").map(
      (call) => call.attributes["palimpsest.model.attempts"],
    );
    expect(attempts).toContain(2);

    // MODEL_RETRIES=3 in the harness: four 503s in a row spend every attempt.
    harness.server.failNext(...Array.from({ length: 4 }, () => ({ status: 503 as const })));
    const failed = await spansOf(() =>
      harness.app.inject({
        method: "POST",
        url: "/v1/extract",
        payload: { text: SENTENCE, language: "fr" },
        headers: { "x-request-id": "traced-3" },
      }),
    );
    const [call] = named(failed, "model.generate");
    const [document] = named(failed, "document");
    expect(call?.attributes).toMatchObject({
      "palimpsest.model.attempts": 4,
      "http.response.status_code": 503,
    });
    expect(call?.status.code).toBe(SpanStatusCode.ERROR);
    expect(call?.attributes["error.type"]).toBe(call?.attributes["palimpsest.model.outcome"]);
    expect(document?.status.code).toBe(SpanStatusCode.ERROR);
    expect(document?.attributes["error.type"]).toBe(call?.attributes["error.type"]);
  });

  it("never puts document text or the file name in a span", async () => {
    const spans = await spansOf(() => extract(harness, "traced-4"));
    const values = spans.flatMap((span) => [
      span.name,
      span.status.message ?? "",
      ...Object.values(span.attributes).map(String),
      ...span.events.flatMap((event) => Object.values(event.attributes ?? {}).map(String)),
    ]);
    expect(values.length).toBeGreaterThan(20);
    for (const value of values) {
      expect(value).not.toContain("Bordeaux");
      expect(value).not.toContain("Dupuy");
      expect(value).not.toContain(FILENAME);
    }
  });
});
