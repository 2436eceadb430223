/**
 * The one place where the stages are wired:
 * ingest -> normalise -> chunk -> extract (ask, validate, re-ask) -> ground -> merge -> output.
 * Every dependency comes in through `PipelineDeps`, so server, CLI and tests run the same code.
 */
import { setMaxListeners } from "node:events";
import type { Span } from "@opentelemetry/api";
import type { Config } from "../config.js";
import type { LlmEndpoint } from "../endpoint/port.js";
import { PalimpsestError } from "../errors.js";
import type { Log } from "../logger.js";
import type { Metrics } from "../observability/metrics.js";
import { inSpan, requestAttributes } from "../observability/tracing.js";
import type { Profile } from "../profiles/profile.js";
import { chunkText } from "./chunk/chunk.js";
import { refuseOversized } from "./chunk/estimate.js";
import { emptyExtractStats, extractChunk } from "./extract/extract-chunk.js";
import { detectLanguage } from "./extract/language.js";
import { buildPrompt } from "./extract/prompt.js";
import type { Extraction } from "./extraction.js";
import { DocumentText } from "./ground/document-text.js";
import { groundChunkItems } from "./ground/ground.js";
import { mergeGroundedItems } from "./ground/merge.js";
import { type AlignmentPolicy, resolvePolicy, servicePolicy } from "./ground/policy.js";
import { ingest } from "./ingest/index.js";
import { type LinkedSettings, linkedReading } from "./ingest/linked.js";
import { normalization } from "./normalize/index.js";
import type { OcrReader } from "./ocr/reader.js";
import { toExtraction } from "./output.js";
import { mapInPieces, Turns } from "./turns.js";
import type { SourceDocument } from "./types.js";

export interface PipelineDeps {
  config: Pick<
    Config,
    | "maxPages"
    | "maxChunks"
    | "maxNewTokens"
    | "chunkOverlap"
    | "reasks"
    | "documentTimeoutMs"
    | "ocrLowConfidence"
    | "alignmentFuzzy"
    | "alignmentMaxEditRatio"
    | "alignmentNearMisses"
  > &
    // METS packages and IIIF manifests: defaults where a caller leaves them out.
    Partial<LinkedSettings>;
  endpoint: LlmEndpoint;
  logger: Log;
  /** Reads scans and images; without it they are refused (images) or reported (PDF pages). */
  ocr?: OcrReader;
  /** Counts the documents, pages and chunks the pipeline finishes (GET /metrics). */
  metrics?: Pick<Metrics, "document">;
  /** Bounds the documents being read (parsed, OCR'd) at once: the job runner sizes it to the CPUs. */
  parsing?: { run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> };
}

export interface PipelineInput {
  /**
   * The document, or how to read it: read when its turn to be parsed comes, and let go once it is,
   * so the documents held whole in memory are the few being parsed, not all those in progress.
   */
  bytes: Uint8Array | (() => Promise<Uint8Array>);
  profile: Profile;
  filename?: string;
  /** ISO 639-1 code given by the user; detected when absent. */
  language?: string;
  /** ISO 15924 code of the script (e.g. "Latf", Fraktur), for the choice of OCR models. */
  script?: string;
  /** Tesseract models to read scans with, overriding the choice from language and script. */
  ocrModels?: string[];
  /** The request's alignment policy, over the profile's and the service's. */
  alignment?: Partial<AlignmentPolicy>;
  /** Who the document is processed for (a job, a client): OCR goes round between requesters. */
  requester?: string;
  /** The request it is processed for (X-Request-Id), passed to the model server with every call. */
  requestId?: string;
  signal?: AbortSignal;
}

/** Tokens kept free because a prompt costs slightly more than its parts counted apart. */
const TOKENIZATION_MARGIN = 16;
/** Below this many tokens per chunk, the profile's prompt leaves no useful room for the document. */
const MIN_CHUNK_TOKENS = 64;

export async function runPipeline(input: PipelineInput, deps: PipelineDeps): Promise<Extraction> {
  const timeout = AbortSignal.timeout(deps.config.documentTimeoutMs);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  // Every chunk's model call waiting for its turn listens to the document's signal: a long document
  // has hundreds at once, which is not the leak Node warns about past 10.
  setMaxListeners(0, signal);
  const attributes = { ...requestAttributes(input.requestId), "palimpsest.profile": input.profile.name };
  return inSpan("document", attributes, async (span) => {
    try {
      const extraction = await runStages(input, deps, signal);
      const { pages } = extraction.document;
      deps.metrics?.document("done", { pages: pages.length, chunks: extraction.stats.chunks });
      span.setAttributes({
        "palimpsest.document.id": extraction.document.id,
        "palimpsest.document.pages": pages.length,
        "palimpsest.document.chunks": extraction.stats.chunks,
        "palimpsest.document.mentions": extraction.entities.length,
        "palimpsest.document.rejected": extraction.rejected.length,
      });
      return extraction;
    } catch (error) {
      deps.metrics?.document(input.signal?.aborted ? "cancelled" : "failed");
      if (!timeout.aborted || input.signal?.aborted) throw error;
      throw new PalimpsestError(
        "DOCUMENT_TIMEOUT",
        `The document took longer than ${deps.config.documentTimeoutMs} ms (DOCUMENT_TIMEOUT_MS). Split it, raise the limit, or check that the model server is not overloaded.`,
        { cause: error },
      );
    }
  });
}

async function runStages(input: PipelineInput, deps: PipelineDeps, signal: AbortSignal): Promise<Extraction> {
  const { config, endpoint, logger } = deps;
  const clock = stageClock();

  const readDocument = async () =>
    ingest(typeof input.bytes === "function" ? await input.bytes() : input.bytes, {
      maxPages: config.maxPages,
      filename: input.filename,
      ocr: deps.ocr,
      hints: { language: input.language, script: input.script, models: input.ocrModels },
      requester: input.requester,
      linked: linkedReading(config),
      signal,
    });
  const document = await inSpan("ingest", {}, async (span) => {
    const read = await (deps.parsing ? deps.parsing.run(readDocument, signal) : readDocument());
    describeIngest(span, read);
    return read;
  });
  clock.lap("ingest");

  const info = await endpoint.info();
  const turns = new Turns(signal);
  const { normalized, language } = await inSpan("normalize", {}, async () => {
    await refuseOversized(document.text, {
      maxChunks: config.maxChunks,
      inputTokens: info.maxInputTokens,
      counter: endpoint,
      turns,
    });
    const normalized = await turns.finish(normalization(document.text));
    return { normalized, language: input.language ?? detectLanguage(normalized.text) };
  });
  clock.lap("normalize");

  const overhead = await endpoint.countTokens(buildPrompt(input.profile, "", { language }));
  const maxNewTokens = Math.min(config.maxNewTokens, info.maxTotalTokens - overhead - MIN_CHUNK_TOKENS);
  const budgetTokens =
    Math.min(info.maxInputTokens, info.maxTotalTokens - maxNewTokens) - overhead - TOKENIZATION_MARGIN;
  if (budgetTokens < MIN_CHUNK_TOKENS) {
    throw new PalimpsestError(
      "INVALID_PROFILE",
      `The prompt of profile "${input.profile.name}" takes ${overhead} tokens, leaving too little of the server's ${info.maxTotalTokens}-token window for the document. Shorten its examples and descriptions, or serve the model with a larger --max-total-tokens.`,
    );
  }
  const chunks = await inSpan("chunk", { "palimpsest.chunk.budget_tokens": budgetTokens }, async (span) => {
    const chunks = await chunkText(normalized.text, {
      budgetTokens,
      overlap: config.chunkOverlap,
      maxChunks: config.maxChunks,
      language,
      counter: endpoint,
      turns,
    });
    span.setAttribute("palimpsest.document.chunks", chunks.length);
    return chunks;
  });
  clock.lap("chunk");
  logger.debug(
    { documentId: document.id, chunks: chunks.length, budgetTokens, overhead },
    "document chunked",
  );

  const stats = emptyExtractStats();
  let nextChunkIndex = chunks.length;
  const context = {
    endpoint,
    info,
    profile: input.profile,
    language,
    maxNewTokens,
    reasks: config.reasks,
    signal,
    requestId: input.requestId,
    log: logger,
    stats,
    nextChunkIndex: () => nextChunkIndex++,
  };
  const answers = await inSpan("extract", {}, async () =>
    (
      await Promise.all(
        chunks.map((chunk) =>
          // Split halves of a chunk too long for the server stay under the chunk's span.
          inSpan("extract.chunk", { "palimpsest.chunk.index": chunk.index }, () =>
            extractChunk(chunk, context),
          ),
        ),
      )
    ).flat(),
  );
  clock.lap("extract");

  const policy = resolvePolicy(servicePolicy(config), input.profile.alignment, input.alignment);
  const grounded = await inSpan("ground", {}, async () => {
    const whole = new DocumentText(document.text);
    await turns.finish(whole.prepare());
    // Chunk by chunk, taking turns: a long document's grounding would otherwise hold the event loop.
    return turns.finish(
      mapInPieces(answers, (answer) =>
        groundChunkItems({
          source: document.text,
          normalized,
          chunk: answer.chunk,
          items: answer.items,
          verbatimPaths: input.profile.verbatimPaths,
          exampleMentions: input.profile.exampleMentions,
          policy,
          derived: input.profile.derived,
          document: whole,
        }),
      ),
    );
  });
  const mentions = await inSpan("merge", {}, async () =>
    mergeGroundedItems(grounded.flatMap((g) => g.grounded)),
  );
  clock.lap("ground");

  return toExtraction({
    document: { ...document, language },
    lowConfidence: config.ocrLowConfidence,
    languageSource: input.language ? "given" : "detected",
    filename: input.filename,
    profile: input.profile,
    info,
    grammar: stats.grammarApplied,
    mentions,
    rejected: [...answers.flatMap((a) => a.rejected), ...grounded.flatMap((g) => g.rejected)],
    stats: { ...stats, chunks: chunks.length, timings: clock.timings() },
  });
}

/** What was read, for the ingest span: its id, size and pages, each page read by OCR as an event. */
function describeIngest(span: Span, document: SourceDocument): void {
  span.setAttributes({
    "palimpsest.document.id": document.id,
    "palimpsest.document.media_type": document.mediaType,
    "palimpsest.document.bytes": document.byteLength,
    "palimpsest.document.pages": document.pages.length,
  });
  for (const page of document.pages) {
    const reading = page.reading;
    if (reading?.method !== "ocr") continue;
    span.addEvent("ocr.page", {
      "palimpsest.page.number": page.number,
      "palimpsest.ocr.engine": reading.engine,
      "palimpsest.ocr.model": reading.model,
      "palimpsest.ocr.reason": reading.reason,
      ...(reading.confidence === undefined ? {} : { "palimpsest.ocr.confidence": reading.confidence }),
    });
  }
}

type Stage = "ingest" | "normalize" | "chunk" | "extract" | "ground";

function stageClock() {
  const started = performance.now();
  let last = started;
  const laps: Record<Stage, number> = { ingest: 0, normalize: 0, chunk: 0, extract: 0, ground: 0 };
  return {
    lap(stage: Stage) {
      const now = performance.now();
      laps[stage] = Math.round(now - last);
      last = now;
    },
    timings: () => ({ ...laps, total: Math.round(performance.now() - started) }),
  };
}
