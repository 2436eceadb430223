/**
 * What the service counts for Prometheus (GET /metrics). One registry per Metrics, so that two services
 * in one process (tests) never share or collide on a series. Callers report events through the methods
 * below and never name a series or a label themselves. Labels take few values by design (route patterns,
 * server kinds, outcomes, engines): never a document id, a file name, a job id or a URL with ids in it.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Latency buckets of HTTP requests, in seconds: page turns in milliseconds, synchronous extractions in minutes. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Latency buckets of model calls, in seconds: a GPU server answers in a second, the embedded model in a minute. */
const MODEL_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160];
/** Seconds one page of OCR takes: about 1 to 4 on a CPU, up to OCR_PAGE_TIMEOUT_MS (2 minutes). */
const OCR_BUCKETS = [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

/** How one model call ended: "ok", "cancelled" (its caller gave up), or the catalogue's error code. */
export interface ModelCallReport {
  /** Where BLOOM runs: embedded, tgi, llamacpp, openai; "unknown" when the server never said. */
  server: string;
  outcome: string;
  /** The model server's last HTTP status, "none" when there was none (a dropped connection, embedded). */
  status: string;
  seconds: number;
  retries: number;
  promptTokens?: number;
  generatedTokens?: number;
}

/** What a job did with one of its documents (jobs/process-task.ts). */
export type JobDocumentOutcome = "done" | "reused" | "failed" | "retrying" | "requeued" | "cancelled";

/** Tasks and jobs not finished, by state, across every process sharing the store. */
export interface QueueDepth {
  tasks: { queued: number; running: number; retrying: number };
  jobs: { unpacking: number; running: number };
}

export class Metrics {
  readonly registry = new Registry();
  private defaultMetrics = false;

  private readonly httpRequests = new Counter({
    name: "palimpsest_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status code.",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: "palimpsest_http_request_duration_seconds",
    help: "Time from receiving a request to the end of its answer, by method and route pattern.",
    labelNames: ["method", "route"] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly modelCalls = new Counter({
    name: "palimpsest_model_calls_total",
    help: "Model calls (generations, retries included) by server kind, outcome and the server's last HTTP status.",
    labelNames: ["server", "outcome", "status"] as const,
    registers: [this.registry],
  });
  private readonly modelDuration = new Histogram({
    name: "palimpsest_model_call_duration_seconds",
    help: "Time of a model call from taking its slot to its answer, retries and backoff included.",
    labelNames: ["server", "outcome"] as const,
    buckets: MODEL_BUCKETS,
    registers: [this.registry],
  });
  private readonly modelRetries = new Counter({
    name: "palimpsest_model_retries_total",
    help: "Model call attempts after the first (429, 503, timeouts, dropped connections).",
    labelNames: ["server"] as const,
    registers: [this.registry],
  });
  private readonly promptTokens = new Counter({
    name: "palimpsest_model_prompt_tokens_total",
    help: "Prompt tokens of model calls, where the server reports them (not TGI's native route).",
    labelNames: ["server"] as const,
    registers: [this.registry],
  });
  private readonly generatedTokens = new Counter({
    name: "palimpsest_model_generated_tokens_total",
    help: "Tokens the model generated.",
    labelNames: ["server"] as const,
    registers: [this.registry],
  });
  private readonly cacheLookups = new Counter({
    name: "palimpsest_model_cache_lookups_total",
    help: "Model calls of jobs looked up in the model-response cache, by result (hit: no call to the model).",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  private readonly documents = new Counter({
    name: "palimpsest_documents_total",
    help: "Documents through the pipeline (jobs and POST /v1/extract), by outcome: done, failed or cancelled.",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  private readonly pages = new Counter({
    name: "palimpsest_pages_total",
    help: "Pages of the documents the pipeline finished.",
    registers: [this.registry],
  });
  private readonly chunks = new Counter({
    name: "palimpsest_chunks_total",
    help: "Chunks (passages asked of the model) of the documents the pipeline finished.",
    registers: [this.registry],
  });
  private readonly jobDocuments = new Counter({
    name: "palimpsest_job_documents_total",
    help: "Documents of jobs by what became of them: done, reused (an earlier result), failed, retrying, requeued (shutdown, model server down), cancelled.",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  private readonly ocrPages = new Histogram({
    name: "palimpsest_ocr_page_duration_seconds",
    help: "Time the OCR engine took on a page, by engine and outcome (_count: pages, _sum: seconds).",
    labelNames: ["engine", "outcome"] as const,
    buckets: OCR_BUCKETS,
    registers: [this.registry],
  });

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  modelCall(report: ModelCallReport): void {
    const { server, outcome, status } = report;
    this.modelCalls.inc({ server, outcome, status });
    this.modelDuration.observe({ server, outcome }, report.seconds);
    if (report.retries > 0) this.modelRetries.inc({ server }, report.retries);
    if (report.promptTokens) this.promptTokens.inc({ server }, report.promptTokens);
    if (report.generatedTokens) this.generatedTokens.inc({ server }, report.generatedTokens);
  }

  cacheLookup(hit: boolean): void {
    this.cacheLookups.inc({ result: hit ? "hit" : "miss" });
  }

  /** The pipeline finished a document (`figures` when it was read), failed, or was stopped by its caller. */
  document(outcome: "done" | "failed" | "cancelled", figures?: { pages: number; chunks: number }): void {
    this.documents.inc({ outcome });
    if (figures) {
      this.pages.inc(figures.pages);
      this.chunks.inc(figures.chunks);
    }
  }

  jobDocument(outcome: JobDocumentOutcome): void {
    this.jobDocuments.inc({ outcome });
  }

  /** `engine` is the engine's family ("tesseract", "tesseract.js"), without its version. */
  ocrPage(engine: string, outcome: "ok" | "failed", seconds: number): void {
    this.ocrPages.observe({ engine, outcome }, seconds);
  }

  /**
   * Queue depth read from the store when scraped. The store is shared by every process working on it,
   * so each reports the same figures: aggregate them with max(), not sum().
   */
  watchQueue(read: () => Promise<QueueDepth>): void {
    const gauges = {
      tasks: "Documents of unfinished jobs by state (queued, running, retrying), in the whole store.",
      jobs: "Jobs not finished by state (unpacking, running), in the whole store.",
    } as const;
    for (const [kind, help] of Object.entries(gauges) as [keyof QueueDepth, string][])
      new Gauge({
        name: `palimpsest_queue_${kind}`,
        help,
        labelNames: ["state"] as const,
        registers: [this.registry],
        async collect() {
          // A store that cannot be read leaves these series out rather than failing the whole scrape:
          // the other figures matter most when something is wrong.
          const depth = await read().catch(() => undefined);
          this.reset();
          if (depth) for (const [state, count] of Object.entries(depth[kind])) this.set({ state }, count);
        },
      });
  }

  /** Model calls this process has in flight, by model server: the slots of the budget it holds. */
  watchSlots(held: () => ReadonlyMap<string, number>): void {
    new Gauge({
      name: "palimpsest_model_slots_in_use",
      help: "Model calls this process has in flight, by model server (host and port, or embedded).",
      labelNames: ["server"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [server, count] of held()) this.set({ server: serverLabel(server) }, count);
      },
    });
  }

  /** The exposition text. Node's process metrics (CPU, memory, event loop, GC) start at the first scrape. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    if (!this.defaultMetrics) {
      collectDefaultMetrics({ register: this.registry });
      this.defaultMetrics = true;
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** A model server's address as a label: its host and port (credentials and paths left out). */
function serverLabel(id: string): string {
  return URL.canParse(id) ? new URL(id).host : id;
}
