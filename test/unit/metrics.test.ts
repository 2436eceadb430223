/** The metrics' decorators and collectors, each against a stand-in for what it observes. */
import { describe, expect, it } from "vitest";
import type { EndpointInfo, GenerateRequest, LlmEndpoint } from "../../src/endpoint/port.js";
import { PalimpsestError } from "../../src/errors.js";
import { Metrics } from "../../src/observability/metrics.js";
import { observeModelCalls } from "../../src/observability/model-calls.js";
import { engineFamily, observeOcrEngine } from "../../src/observability/ocr-engine.js";
import { QUEUE_DEPTH_TTL_MS, queueDepthReader } from "../../src/observability/queue-depth.js";
import type { OcrEngine } from "../../src/pipeline/ocr/port.js";
import type { JobRecord, TaskCounts } from "../../src/store/port.js";

async function sample(metrics: Metrics, series: string): Promise<number | undefined> {
  const { body } = await metrics.exposition();
  const line = body.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const INFO: EndpointInfo = {
  kind: "llamacpp",
  modelId: "bloomz-560m.gguf",
  maxInputTokens: 2047,
  maxTotalTokens: 2048,
  maxConcurrentRequests: 2,
  exactTokenCounts: true,
};

function endpointThat(generate: LlmEndpoint["generate"]): LlmEndpoint {
  return {
    info: async () => INFO,
    countTokens: async (text) => text.length,
    probe: async () => {},
    generate,
  };
}

const REQUEST: GenerateRequest = { prompt: "p", maxNewTokens: 16 };

describe("model calls", () => {
  it("counts an answer with its server kind, retries and tokens", async () => {
    const metrics = new Metrics();
    const endpoint = observeModelCalls(
      endpointThat(async () => ({
        text: "{}",
        finishReason: "eos_token",
        grammarApplied: true,
        promptTokens: 120,
        generatedTokens: 7,
        attempts: 3,
      })),
      metrics,
    );
    await endpoint.generate(REQUEST);
    expect(
      await sample(metrics, 'palimpsest_model_calls_total{server="llamacpp",outcome="ok",status="200"}'),
    ).toBe(1);
    expect(await sample(metrics, 'palimpsest_model_retries_total{server="llamacpp"}')).toBe(2);
    expect(await sample(metrics, 'palimpsest_model_prompt_tokens_total{server="llamacpp"}')).toBe(120);
    expect(await sample(metrics, 'palimpsest_model_generated_tokens_total{server="llamacpp"}')).toBe(7);
  });

  it("counts a failure by its code and the server's last status, and a call given up as cancelled", async () => {
    const metrics = new Metrics();
    const refused = new PalimpsestError("ENDPOINT_REJECTED", "no", {
      details: { upstreamStatus: 400, attempts: 1 },
    });
    const failing = observeModelCalls(
      endpointThat(async () => {
        throw refused;
      }),
      metrics,
    );
    await expect(failing.generate(REQUEST)).rejects.toBe(refused);
    const controller = new AbortController();
    controller.abort();
    await expect(failing.generate({ ...REQUEST, signal: controller.signal })).rejects.toBe(refused);
    expect(
      await sample(
        metrics,
        'palimpsest_model_calls_total{server="llamacpp",outcome="ENDPOINT_REJECTED",status="400"}',
      ),
    ).toBe(1);
    expect(
      await sample(
        metrics,
        'palimpsest_model_calls_total{server="llamacpp",outcome="cancelled",status="none"}',
      ),
    ).toBe(1);
  });
});

describe("slots in use", () => {
  it("reports what the budget holds, by server host", async () => {
    const metrics = new Metrics();
    const held = new Map([
      ["http://bloom-a:8080", 3],
      ["embedded", 1],
    ]);
    metrics.watchSlots(() => held);
    expect(await sample(metrics, 'palimpsest_model_slots_in_use{server="bloom-a:8080"}')).toBe(3);
    expect(await sample(metrics, 'palimpsest_model_slots_in_use{server="embedded"}')).toBe(1);
    held.delete("embedded");
    expect(await sample(metrics, 'palimpsest_model_slots_in_use{server="embedded"}')).toBeUndefined();
  });
});

describe("OCR pages", () => {
  it("names engines without their version", () => {
    expect(engineFamily("tesseract 5.3.0")).toBe("tesseract");
    expect(engineFamily("tesseract.js 7.0.0")).toBe("tesseract.js");
    expect(engineFamily("tesseract")).toBe("tesseract");
  });

  it("counts each page the engine reads, or fails on, with its time", async () => {
    const metrics = new Metrics();
    let fail = false;
    const engine: OcrEngine = {
      name: "tesseract 5.3.0",
      models: new Set(["eng"]),
      close: async () => {},
      recognize: async () => {
        if (fail) throw new Error("tesseract crashed");
        return "<html/>";
      },
    };
    const observed = observeOcrEngine(engine, metrics);
    const signal = new AbortController().signal;
    expect(await observed.recognize(new Uint8Array(), ["eng"], signal)).toBe("<html/>");
    expect(await observed.recognize(new Uint8Array(), ["eng"], signal)).toBe("<html/>");
    fail = true;
    await expect(observed.recognize(new Uint8Array(), ["eng"], signal)).rejects.toThrow("crashed");
    expect(
      await sample(metrics, 'palimpsest_ocr_page_duration_seconds_count{engine="tesseract",outcome="ok"}'),
    ).toBe(2);
    expect(
      await sample(
        metrics,
        'palimpsest_ocr_page_duration_seconds_count{engine="tesseract",outcome="failed"}',
      ),
    ).toBe(1);
    expect(observed.name).toBe("tesseract 5.3.0");
  });
});

describe("queue depth", () => {
  const job = (id: string): JobRecord => ({
    id,
    tenant: "default",
    kind: "batch",
    state: "running",
    spec: { profile: "default" },
    createdAt: 0,
  });
  const counts = (queued: number, running: number, retrying: number): TaskCounts => ({
    byState: { queued, running, retrying, done: 5, failed: 1, cancelled: 0 },
    skipped: 0,
    pages: 0,
    chunks: 0,
    modelCalls: 0,
    reused: 0,
    recent: { finished: 0 },
  });

  it("adds up the running jobs' tasks, and reads the store again only after a few seconds", async () => {
    let clock = 1_000;
    let reads = 0;
    const byJob: Record<string, TaskCounts> = { a: counts(4, 2, 1), b: counts(10, 0, 0) };
    const store = {
      listJobs: async (state: JobRecord["state"]) => {
        reads++;
        return state === "running" ? [job("a"), job("b")] : [job("c")];
      },
      countTasks: async (id: string) => byJob[id] as TaskCounts,
    };
    const read = queueDepthReader(store, () => clock);
    expect(await read()).toEqual({
      tasks: { queued: 14, running: 2, retrying: 1 },
      jobs: { unpacking: 1, running: 2 },
    });
    byJob.a = counts(0, 0, 0);
    clock += QUEUE_DEPTH_TTL_MS - 1;
    expect((await read()).tasks.queued).toBe(14);
    expect(reads).toBe(2);
    clock += 1;
    expect((await read()).tasks.queued).toBe(10);
  });

  it("does not keep a failed reading", async () => {
    let fail = true;
    const store = {
      listJobs: async () => {
        if (fail) throw new Error("database is locked");
        return [];
      },
      countTasks: async () => counts(0, 0, 0),
    };
    const read = queueDepthReader(store, () => 0);
    await expect(read()).rejects.toThrow("locked");
    fail = false;
    expect((await read()).jobs).toEqual({ unpacking: 0, running: 0 });
  });

  it("sets the gauges when scraped", async () => {
    const metrics = new Metrics();
    metrics.watchQueue(async () => ({
      tasks: { queued: 7, running: 2, retrying: 0 },
      jobs: { unpacking: 1, running: 3 },
    }));
    expect(await sample(metrics, 'palimpsest_queue_tasks{state="queued"}')).toBe(7);
    expect(await sample(metrics, 'palimpsest_queue_jobs{state="running"}')).toBe(3);
  });

  it("leaves the queue out of a scrape when the store cannot be read, and nothing else", async () => {
    const metrics = new Metrics();
    metrics.watchQueue(async () => {
      throw new Error("connection refused");
    });
    metrics.cacheLookup(true);
    expect(await sample(metrics, 'palimpsest_queue_tasks{state="queued"}')).toBeUndefined();
    expect(await sample(metrics, 'palimpsest_model_cache_lookups_total{result="hit"}')).toBe(1);
  });
});
