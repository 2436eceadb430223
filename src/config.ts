/**
 * The one configuration of Palimpsest, read from the environment and validated once.
 * Server, CLI and tests all go through loadConfig(); a bad value stops start-up with a message
 * naming the variable.
 */
import { resolve } from "node:path";
import { MODEL_LIST } from "./pipeline/ocr/models.js";

type Parser<T> = (raw: string) => T;

interface Setting<T> {
  env: string;
  default: T | undefined;
  parse: Parser<T>;
  description: string;
  /**
   * Whether the setting can change a document's result (and so is part of its fingerprint, see
   * jobs/fingerprint.ts), or only how the work is done (limits, addresses, credentials, timeouts).
   */
  affectsResults: boolean;
}

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> =>
  (raw) => {
    if (!/^\d+$/.test(raw.trim())) throw new Error(`expected a whole number, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) throw new Error(`expected a number from ${min} to ${max}, got ${value}`);
    return value;
  };

const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    const value = raw.trim().toLowerCase();
    if (!(values as string[]).includes(value))
      throw new Error(`expected one of ${values.join(", ")}, got "${raw}"`);
    return value as T;
  };

const url: Parser<string> = (raw) => {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    throw new Error(`expected an http(s) URL, got "${raw}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new Error(`expected an http(s) URL, got "${raw}"`);
  return parsed.toString().replace(/\/+$/, "");
};

/** Comma-separated http(s) URLs, each as `url` reads it; one at least. */
const urls: Parser<string[]> = (raw) => {
  const list = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map(url);
  if (list.length === 0) throw new Error(`expected one or more http(s) URLs, got "${raw}"`);
  if (new Set(list).size !== list.length) throw new Error(`a URL is listed twice in "${raw}"`);
  return list;
};

const text: Parser<string> = (raw) => raw.trim();

/** A postgres:// URL; the messages never repeat the value, which may hold a password. */
const postgresUrl: Parser<string> = (raw) => {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    throw new Error(
      "expected a postgres://user:password@host:5432/database URL, got something that is not a URL",
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")
    throw new Error(
      `expected a postgres:// or postgresql:// URL, got one starting with ${parsed.protocol}//`,
    );
  return raw.trim();
};

const onOff: Parser<boolean> = (raw) =>
  oneOf("on", "off", "true", "false")(raw).match(/^(on|true)$/) !== null;

/** Tesseract model names joined by "+", e.g. "eng+fra" or "frk"; script models as "script/Fraktur". */
const ocrModels: Parser<string> = (raw) => {
  const value = raw.trim();
  if (!MODEL_LIST.test(value))
    throw new Error(`expected tesseract model names joined by "+", e.g. "eng+fra", got "${raw}"`);
  return value;
};

const ratio: Parser<number> = (raw) => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value >= 1)
    throw new Error(`expected a number in [0, 1), got "${raw}"`);
  return value;
};

const decimal =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const value = Number(raw.trim());
    if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max)
      throw new Error(`expected a number from ${min} to ${max}, got "${raw}"`);
    return value;
  };

/** Comma-separated host names or IP addresses, lower-cased; IPv6 ones in brackets, as a Host header has them. */
const hostNames: Parser<string[]> = (raw) =>
  raw
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const name = entry.includes(":") && !entry.startsWith("[") ? `[${entry}]` : entry;
      if (name !== "*" && !/^([a-z0-9_-]+\.)*[a-z0-9_-]+\.?$|^\[[0-9a-f:.]+\]$/.test(name))
        throw new Error(`expected host names such as "archive.example.org" or "10.0.0.5", got "${entry}"`);
      return name.replace(/\.$/, "");
    });

/** Comma-separated web origins (scheme, host and port, no path), such as "https://archive.example.org". */
const origins: Parser<string[]> = (raw) =>
  raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const parsed = URL.canParse(entry) ? new URL(entry) : undefined;
      if (
        !/^https?:$/.test(parsed?.protocol ?? "") ||
        parsed?.pathname !== "/" ||
        parsed.search ||
        parsed.hash
      )
        throw new Error(`expected origins such as "https://archive.example.org" (no path), got "${entry}"`);
      return parsed.origin;
    });

/** Every setting, with its variable name, default and meaning (the README table is made from this). */
export const SETTINGS = {
  port: {
    env: "PORT",
    affectsResults: false,
    default: 3000,
    parse: integer(0, 65535),
    description: "HTTP port of the API.",
  },
  host: {
    env: "HOST",
    affectsResults: false,
    default: "127.0.0.1",
    parse: text,
    description: "Interface the API listens on (0.0.0.0 in a container).",
  },
  allowedHosts: {
    env: "ALLOWED_HOSTS",
    affectsResults: false,
    default: undefined,
    parse: hostNames,
    description:
      "Host names (comma-separated) requests may be addressed to; others get 421 HOST_NOT_ALLOWED, so a foreign web page cannot reach the service by rebinding its own name to this address. Unset: localhost, 127.0.0.1, [::1] and HOST. * lets any through (a proxy in front checks it).",
  },
  corsOrigins: {
    env: "CORS_ORIGINS",
    affectsResults: false,
    default: undefined,
    parse: origins,
    description:
      "Web origins (comma-separated, e.g. https://archive.example.org) whose pages may call the API from a browser (CORS, without cookies). Unset: none.",
  },
  auth: {
    env: "AUTH",
    affectsResults: false,
    default: "auto" as const,
    parse: oneOf("auto", "on", "off"),
    description:
      "API keys: on (always required), off (never: every client is an admin of the default tenant), auto (required once a key exists; before that, open on a loopback HOST and refusing to start on any other).",
  },
  sessionTtlMs: {
    env: "SESSION_TTL_MS",
    affectsResults: false,
    default: 12 * 3_600_000,
    parse: integer(60_000),
    description: "How long the review page stays signed in, in milliseconds.",
  },
  rateLimitPerMinute: {
    env: "RATE_LIMIT_PER_MINUTE",
    affectsResults: false,
    default: 600,
    parse: integer(0),
    description: "Requests one API key may make per minute; past it, 429 RATE_LIMITED. 0: no limit.",
  },
  quotaConcurrentJobs: {
    env: "QUOTA_CONCURRENT_JOBS",
    affectsResults: false,
    default: 10,
    parse: integer(0),
    description:
      "Jobs one API key may have unpacking or running at once; one more is refused with 429 QUOTA_EXCEEDED. 0: no limit.",
  },
  quotaStoredBytes: {
    env: "QUOTA_STORED_BYTES",
    affectsResults: false,
    default: 10 * 1024 ** 3,
    parse: integer(0),
    description:
      "Bytes of documents one tenant may keep (its keys share them); an upload past it is refused with 429 QUOTA_EXCEEDED, a batch entry past it skipped. 0: no limit.",
  },
  quotaOcrPagesPerDay: {
    env: "QUOTA_OCR_PAGES_PER_DAY",
    affectsResults: false,
    default: 5000,
    parse: integer(0),
    description:
      "Pages one API key may have read by OCR per day (UTC); once reached, its uploads are refused and its batches' documents fail with 429 QUOTA_EXCEEDED until the next day. 0: no limit.",
  },
  logLevel: {
    env: "LOG_LEVEL",
    affectsResults: false,
    default: "info" as const,
    parse: oneOf("fatal", "error", "warn", "info", "debug", "trace", "silent"),
    description: "pino log level. Document text is only logged at trace.",
  },
  metrics: {
    env: "METRICS",
    affectsResults: false,
    default: true,
    parse: onOff,
    description:
      "Whether GET /metrics serves Prometheus metrics (an admin key needed, none in open mode); off: the route answers 404.",
  },
  metricsPort: {
    env: "METRICS_PORT",
    affectsResults: false,
    default: undefined,
    parse: integer(1, 65535),
    description:
      "Port on HOST where `palimpsest worker`, which serves no API, answers GET /metrics (as the API does: an admin key, or open mode). Unset: a worker serves no metrics.",
  },
  tracing: {
    env: "TRACING",
    affectsResults: false,
    default: "off" as const,
    parse: oneOf("off", "otlp"),
    description:
      "otlp: the API and workers send OpenTelemetry traces (a span per document, stage, chunk and model call) over OTLP/HTTP to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318), as service OTEL_SERVICE_NAME (default palimpsest); off: nothing is recorded.",
  },
  endpointUrls: {
    env: "BLOOM_ENDPOINT_URL",
    affectsResults: false,
    default: undefined,
    parse: urls,
    description:
      "Base URL of a model server (TGI, an Inference Endpoint, vLLM or llama.cpp's server), or several serving the same model, comma-separated: each call goes to the one with the most free slots. Unset: BLOOM runs embedded in the process.",
  },
  serverKind: {
    env: "BLOOM_SERVER",
    affectsResults: false,
    default: "auto" as const,
    parse: oneOf("auto", "embedded", "tgi", "openai", "llamacpp"),
    description:
      "Where BLOOM runs: embedded (in-process with llama.cpp), tgi (native /generate with grammar), llamacpp (llama.cpp's server), openai (/v1/completions), auto (embedded without BLOOM_ENDPOINT_URL; with one, probe /info, then /props, then /v1/models).",
  },
  hfToken: {
    env: "HF_TOKEN",
    affectsResults: false,
    default: undefined,
    parse: text,
    description:
      "Bearer token sent to the model server (Inference Endpoints). Never logged, never sent to the model hub.",
  },
  model: {
    env: "BLOOM_MODEL",
    affectsResults: false,
    default: undefined,
    parse: text,
    description:
      "Embedded: the GGUF file, as hf:owner/repo/file.gguf, an https URL or a local path (unset: BLOOMZ-560m Q5_K_M, 626 MB). Model servers: the model name sent to OpenAI-compatible servers (unset: bigscience/bloomz-560m).",
  },
  modelSha256: {
    env: "BLOOM_MODEL_SHA256",
    affectsResults: false,
    default: undefined,
    parse: (raw: string) => {
      const value = raw.trim().toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(value)) throw new Error(`expected 64 hexadecimal digits, got "${raw}"`);
      return value;
    },
    description:
      "sha256 the downloaded model file must have (known for the default model; the hub's own checksum is used when it gives one).",
  },
  modelsDir: {
    env: "MODELS_DIR",
    affectsResults: false,
    default: undefined,
    parse: (raw: string) => resolve(raw.trim()),
    description: "Where downloaded model files are kept (unset: DATA_DIR/models).",
  },
  hubUrl: {
    env: "HF_ENDPOINT",
    affectsResults: false,
    default: "https://huggingface.co",
    parse: url,
    description:
      "The Hugging Face hub that hf: model references are downloaded from (a mirror, for instance).",
  },
  hubToken: {
    env: "MODEL_HUB_TOKEN",
    affectsResults: false,
    default: undefined,
    parse: text,
    description:
      "Token sent to the hub when downloading a gated or private model. HF_TOKEN is never sent there.",
  },
  modelDownloadIdleMs: {
    env: "MODEL_DOWNLOAD_IDLE_MS",
    affectsResults: false,
    default: 60_000,
    parse: integer(1000),
    description:
      "A model download that receives no byte for this long, in milliseconds, is stopped (and resumed at the next try).",
  },
  embeddedThreads: {
    env: "EMBEDDED_THREADS",
    affectsResults: false,
    default: undefined,
    parse: integer(1, 256),
    description:
      "CPU threads of the embedded model (unset: the CPUs this process may use). More threads than cores makes decoding collapse.",
  },
  embeddedSequences: {
    env: "EMBEDDED_SEQUENCES",
    affectsResults: false,
    default: 1,
    parse: integer(1, 16),
    description:
      "Prompts the embedded model works on at once; each holds its own copy of the prompt prefix (about 190 MB of memory each).",
  },
  embeddedContext: {
    env: "EMBEDDED_CONTEXT",
    affectsResults: true,
    default: 2048,
    parse: integer(256, 32_768),
    description: "Context of the embedded model in tokens (prompt plus answer); BLOOM was trained on 2048.",
  },
  dataDir: {
    env: "DATA_DIR",
    affectsResults: false,
    default: "./data",
    parse: (raw: string) => resolve(raw.trim()),
    description: "Where Palimpsest keeps its files.",
  },
  profilesDir: {
    env: "PROFILES_DIR",
    affectsResults: false,
    default: undefined,
    parse: (raw: string) => resolve(raw.trim()),
    description: "Extra folder of extraction profiles (*.json) next to the built-in ones in schemas/.",
  },
  defaultProfile: {
    env: "DEFAULT_PROFILE",
    affectsResults: false,
    default: "default",
    parse: text,
    description: "Profile used when a request names none.",
  },
  schemaMaxBytes: {
    env: "SCHEMA_MAX_BYTES",
    affectsResults: false,
    default: 1024 * 1024,
    parse: integer(1024),
    description:
      "Largest profile schema, as JSON text, a request (JSON body or multipart field) or a profile file may carry; larger ones get 413.",
  },
  schemaMaxDepth: {
    env: "SCHEMA_MAX_DEPTH",
    affectsResults: false,
    default: 64,
    parse: integer(8, 1000),
    description:
      "Most levels of nested objects and arrays in a profile schema (the built-in ones have 8); deeper ones are refused before compiling.",
  },
  schemaMaxNodes: {
    env: "SCHEMA_MAX_NODES",
    affectsResults: false,
    default: 1000,
    parse: integer(100),
    description:
      "Most JSON values (objects, arrays, strings, numbers) in a profile schema, each $ref counted as its target wherever it is used (the built-in ones: under 300); larger ones are refused before compiling, as compiling and validating time grow with it.",
  },
  outputMaxStringLength: {
    env: "OUTPUT_MAX_STRING_LENGTH",
    affectsResults: true,
    default: 4096,
    parse: integer(64),
    description:
      "Longest string (in UTF-16 code units) of a model's item; an item with a longer one is rejected before it meets the schema.",
  },
  maxUploadBytes: {
    env: "MAX_UPLOAD_BYTES",
    affectsResults: false,
    default: 50 * 1024 * 1024,
    parse: integer(1),
    description: "Largest accepted upload; larger ones get 413 without being buffered.",
  },
  maxUploadBytesInFlight: {
    env: "MAX_UPLOAD_BYTES_IN_FLIGHT",
    affectsResults: false,
    default: 256 * 1024 * 1024,
    parse: integer(1),
    description:
      "Most bytes of documents being uploaded at once (POST /v1/extract, POST /v1/documents), by their declared length; past it, 503 UPLOADS_BUSY with Retry-After. One upload alone is always taken.",
  },
  bodyTimeoutMs: {
    env: "BODY_TIMEOUT_MS",
    affectsResults: false,
    default: 10_000,
    parse: integer(100, 300_000),
    description:
      "A request's headers must arrive within this many milliseconds, and its body must bring at least 16 KiB (or its end) in every such period; slower ones (slowloris) are answered 408 and their connection closed.",
  },
  maxConnectionsPerClient: {
    env: "MAX_CONNECTIONS_PER_CLIENT",
    affectsResults: false,
    default: 32,
    parse: integer(0),
    description:
      "Open connections one client address may hold; more are closed at once. Behind a reverse proxy every client has the proxy's address: raise it, or 0 for no limit.",
  },
  eventLoopWarnMs: {
    env: "EVENT_LOOP_WARN_MS",
    affectsResults: false,
    default: 500,
    parse: integer(1),
    description:
      "A warning is logged when the event loop is held longer than this, in milliseconds (GET /health shows the delays since start).",
  },
  jsonMaxBytes: {
    env: "JSON_MAX_BYTES",
    affectsResults: false,
    default: 4 * 1024 * 1024,
    parse: integer(1024),
    description:
      "Largest JSON request body (a text sent as JSON, a custom schema): it is parsed whole, so larger documents are sent as a file (multipart or raw body), which is streamed.",
  },
  maxPages: {
    env: "MAX_PAGES",
    affectsResults: true,
    default: 500,
    parse: integer(1),
    description: "Most pages read from one document (PDF, multi-page TIFF, XML export).",
  },
  maxChunks: {
    env: "MAX_CHUNKS",
    affectsResults: true,
    default: 400,
    parse: integer(1),
    description:
      "Most chunks (model prompts before retries) one document may cost; bigger documents are refused with 413.",
  },
  requestTimeoutMs: {
    env: "MODEL_TIMEOUT_MS",
    affectsResults: false,
    default: 120_000,
    parse: integer(100),
    description: "Timeout of one model call (an attempt), in milliseconds.",
  },
  documentTimeoutMs: {
    env: "DOCUMENT_TIMEOUT_MS",
    affectsResults: false,
    default: 30 * 60_000,
    parse: integer(1000),
    description: "Time limit for one whole document, in milliseconds.",
  },
  modelRetries: {
    env: "MODEL_RETRIES",
    affectsResults: false,
    default: 5,
    parse: integer(0, 20),
    description: "Retries of one model call after 429, 503, 424, 5xx, dropped connections and timeouts.",
  },
  retryBaseMs: {
    env: "MODEL_RETRY_BASE_MS",
    affectsResults: false,
    default: 500,
    parse: integer(1),
    description: "First backoff delay; doubled each retry, with full jitter.",
  },
  retryMaxMs: {
    env: "MODEL_RETRY_MAX_MS",
    affectsResults: false,
    default: 30_000,
    parse: integer(1),
    description: "Longest single backoff delay.",
  },
  modelConcurrency: {
    env: "MODEL_CONCURRENCY",
    affectsResults: false,
    default: 8,
    parse: integer(1, 1024),
    description:
      "Model calls in flight at once to each model server (also capped by its max_concurrent_requests); with STORE_URL, for all processes together.",
  },
  maxNewTokens: {
    env: "MAX_NEW_TOKENS",
    affectsResults: true,
    default: 512,
    parse: integer(16),
    description: "Output budget per chunk, in tokens; raised on truncated output up to the server's limit.",
  },
  chunkOverlap: {
    env: "CHUNK_OVERLAP",
    affectsResults: true,
    default: 0.1,
    parse: ratio,
    description: "Share of a chunk repeated at the start of the next so entities on a boundary are not cut.",
  },
  reasks: {
    env: "MODEL_REASKS",
    affectsResults: true,
    default: 2,
    parse: integer(0, 5),
    description:
      "Times the model is asked again with the validation errors when its output breaks the schema.",
  },
  alignmentFuzzy: {
    env: "ALIGNMENT_FUZZY",
    affectsResults: true,
    default: true,
    parse: onOff,
    description:
      "Whether a mention may be cited on source text that differs from the model's by a few letters (OCR noise); false: only as written, up to case, accents, spacing and line-end hyphens. Numbers must always agree. A request's `fuzzy` overrides it.",
  },
  alignmentMaxEditRatio: {
    env: "ALIGNMENT_MAX_EDIT_RATIO",
    affectsResults: true,
    default: 0.17,
    parse: ratio,
    description:
      "Share of a name's letters and digits that may differ from the model's (names under 4 letters: none; one word of a name: at most twice this). A request's `maxEditRatio` overrides it.",
  },
  alignmentNearMisses: {
    env: "ALIGNMENT_NEAR_MISSES",
    affectsResults: true,
    default: "reject" as const,
    parse: oneOf("reject", "flag"),
    description:
      "Mentions whose closest text differs by more than that, up to twice as much: reject (rejected as too_different) or flag (cited, with nearMiss set). A request's `nearMisses` overrides it.",
  },
  ocrEngine: {
    env: "OCR_ENGINE",
    affectsResults: true,
    default: "auto" as const,
    parse: oneOf("auto", "native", "tesseractjs"),
    description:
      "OCR engine: native (the tesseract command, with Debian's historical models), tesseractjs (bundled, offline), auto (native where installed).",
  },
  ocrLanguages: {
    env: "OCR_LANGUAGES",
    affectsResults: true,
    default: "eng",
    parse: (raw: string) => ocrModels(raw),
    description:
      "Tesseract models (joined by +) for documents whose language is neither given nor implied by a script.",
  },
  ocrParallelPages: {
    env: "OCR_PARALLEL_PAGES",
    affectsResults: true,
    default: undefined,
    parse: integer(1, 64),
    description:
      "Pages read by OCR at once (processes or workers), shared by all documents; also the page images rendered at once for the API. Default: the number of CPUs, at most 4.",
  },
  ocrPageTimeoutMs: {
    env: "OCR_PAGE_TIMEOUT_MS",
    affectsResults: true,
    default: 120_000,
    parse: integer(1000),
    description:
      "Time limit for the OCR of one page; a page over it is reported and the rest of the document is read.",
  },
  ocrMaxPixels: {
    env: "OCR_MAX_PIXELS",
    affectsResults: true,
    default: 120_000_000,
    parse: integer(1),
    description:
      "Largest page image (width x height) read; larger ones, e.g. decompression bombs, are refused before decoding.",
  },
  ocrPagePixels: {
    env: "OCR_PAGE_PIXELS",
    affectsResults: true,
    default: 25_000_000,
    parse: integer(1_000_000),
    description:
      "Most pixels of one page the OCR engine reads: a PDF page is rendered smaller than OCR_DPI to fit, a larger scan is scaled down for the engine (boxes stay in its own pixels).",
  },
  ocrDocumentPixels: {
    env: "OCR_DOCUMENT_PIXELS",
    affectsResults: false,
    default: 5_000_000_000,
    parse: integer(1_000_000),
    description:
      "Most pixels the OCR engine reads from one document, all pages together; an image file over it is refused before any page is read, a PDF once its pages pass it (OCR_BUDGET_EXCEEDED).",
  },
  ocrDocumentSeconds: {
    env: "OCR_DOCUMENT_SECONDS",
    affectsResults: false,
    default: 1800,
    parse: integer(1),
    description:
      "Most OCR time one document may take, in seconds, the time of its pages read in parallel added up; past it the document fails (OCR_BUDGET_EXCEEDED) and is not retried.",
  },
  ocrDpi: {
    env: "OCR_DPI",
    affectsResults: true,
    default: 300,
    parse: integer(72, 1200),
    description: "Resolution PDF pages without usable text are rendered at for OCR.",
  },
  ocrLowConfidence: {
    env: "OCR_LOW_CONFIDENCE",
    affectsResults: true,
    default: 0.6,
    parse: ratio,
    description: "Mentions whose least confident OCR word is below this (0-1) are flagged lowConfidence.",
  },
  ocrOrientation: {
    env: "OCR_ORIENTATION",
    affectsResults: true,
    default: "auto" as const,
    parse: oneOf("auto", "off"),
    description:
      "auto: sideways and upside-down scans are turned upright before OCR (tesseract's orientation detection where the osd model is installed, else the turn the engine reads best), boxes staying in the image as stored; off: pages are read as they are (EXIF orientation is always applied).",
  },
  ocrOrientationMinConfidence: {
    env: "OCR_ORIENTATION_MIN_CONFIDENCE",
    affectsResults: true,
    default: 2,
    parse: decimal(0, 1000),
    description:
      "Orientation confidence of tesseract's detection (about 10 on a page of text, under 1 when it guesses) from which a page is turned; below it the page is read as it is.",
  },
  ocrOrientationPixels: {
    env: "OCR_ORIENTATION_PIXELS",
    affectsResults: true,
    default: 4_000_000,
    parse: integer(100_000),
    description:
      "Most pixels read to find a page's orientation: the page is scaled down to it for tesseract's detection; without the osd model, the engine reads four turns of it, each scaled to a quarter of it.",
  },
  ocrTextArea: {
    env: "OCR_TEXT_AREA",
    affectsResults: true,
    default: true,
    parse: onOff,
    description:
      "Whether words read outside the page's text area (around the words read with OCR_TEXT_CONFIDENCE) are dropped as margin noise: binding, page edges, rulers.",
  },
  ocrTextAreaMargin: {
    env: "OCR_TEXT_AREA_MARGIN",
    affectsResults: true,
    default: 1.5,
    parse: decimal(0, 100),
    description:
      "How far the text area reaches past the words read with OCR_TEXT_CONFIDENCE, in line heights, so that a running head, page number or catchword next to the body stays in.",
  },
  ocrTextConfidence: {
    env: "OCR_TEXT_CONFIDENCE",
    affectsResults: true,
    default: 0.6,
    parse: ratio,
    description:
      "Word confidence (0-1) from which a word read by OCR is sure: its words of three letters or more mark the text area, and a line with a sure word is never dropped as junk.",
  },
  ocrJunkLineConfidence: {
    env: "OCR_JUNK_LINE_CONFIDENCE",
    affectsResults: true,
    default: 0.3,
    parse: ratio,
    description:
      "A line read by OCR without a sure word whose characters' mean confidence is below this (0-1) is dropped as junk (a printed rule, a smudge, text showing through). 0: no line is dropped for its confidence.",
  },
  ocrJunkLineMinCharacters: {
    env: "OCR_JUNK_LINE_MIN_CHARACTERS",
    affectsResults: true,
    default: 8,
    parse: integer(1, 10_000),
    description:
      "Lines shorter than this (characters, spaces aside) are never dropped as junk: a year, a page number or a signature mark read badly is still text.",
  },
  pageImageMaxWidth: {
    env: "PAGE_IMAGE_MAX_WIDTH",
    affectsResults: true,
    default: 2000,
    // 65535: the largest side a JPEG can have.
    parse: integer(16, 65535),
    description:
      "Widest page image served when the request names no width (GET /v1/documents/:id/pages/:n/image); narrower pages keep their size.",
  },
  iiifMaxWidth: {
    env: "IIIF_MAX_WIDTH",
    affectsResults: false,
    default: 4000,
    // 65535: the largest side a JPEG can have.
    parse: integer(64, 65535),
    description:
      "Widest image the IIIF Image API makes (its info.json's maxWidth): a larger size is refused with 400; regions of any size can be asked for at a smaller one.",
  },
  iiifMaxArea: {
    env: "IIIF_MAX_AREA",
    affectsResults: false,
    default: 16_000_000,
    parse: integer(4096),
    description:
      "Most pixels (width x height) of one image the IIIF Image API makes (its info.json's maxArea).",
  },
  iiifTileSize: {
    env: "IIIF_TILE_SIZE",
    affectsResults: false,
    default: 512,
    parse: integer(64, 4096),
    description: "Width and height of the tiles the IIIF info.json offers to deep-zoom viewers.",
  },
  iiifCacheBytes: {
    env: "IIIF_CACHE_BYTES",
    affectsResults: false,
    default: 256 * 1024 * 1024,
    parse: integer(0),
    description:
      "Memory kept for decoded page images the IIIF Image API cuts tiles from (least recently used go first; 0: decode the page for each tile).",
  },
  storePath: {
    env: "STORE_PATH",
    affectsResults: false,
    default: undefined,
    parse: (raw: string) => (raw.trim() === ":memory:" ? ":memory:" : resolve(raw.trim())),
    description:
      "SQLite file keeping documents, jobs, results and the model-response cache (unset: DATA_DIR/palimpsest.db; :memory: keeps nothing).",
  },
  storeUrl: {
    env: "STORE_URL",
    affectsResults: false,
    default: undefined,
    parse: postgresUrl,
    description:
      "PostgreSQL server to keep documents, jobs, results and the model-response cache in (postgres://user:password@host:5432/database): setting it selects PostgreSQL instead of the SQLite file, so that API and worker processes on many machines share one store.",
  },
  storePoolSize: {
    env: "STORE_POOL_SIZE",
    affectsResults: false,
    default: 10,
    parse: integer(1, 1000),
    description:
      "With STORE_URL: connections each process keeps to PostgreSQL for its statements (one more listens for notifications).",
  },
  storeRetryMs: {
    env: "STORE_RETRY_MS",
    affectsResults: false,
    default: 10 * 60_000,
    parse: integer(0),
    description:
      "With STORE_URL: how long work waits for a lost database to come back, in milliseconds, before failing with STORE_UNAVAILABLE (503).",
  },
  storeSchema: {
    env: "STORE_SCHEMA",
    affectsResults: false,
    default: "public",
    parse: (raw: string) => {
      const schema = raw.trim();
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
        throw new Error(`expected a PostgreSQL schema name (lower case letters, digits and _), got "${raw}"`);
      return schema;
    },
    description:
      "PostgreSQL schema holding Palimpsest's tables (with STORE_URL), created when missing: two deployments can share one database under two schemas.",
  },
  modelSlotLeaseMs: {
    env: "MODEL_SLOT_LEASE_MS",
    affectsResults: false,
    default: 30_000,
    parse: integer(1_000),
    description:
      "With STORE_URL: how long a model slot stays taken without its process renewing it, so the slots of a process that died come free after at most this long.",
  },
  blobStore: {
    env: "BLOB_STORE",
    affectsResults: false,
    default: "folder" as const,
    parse: oneOf("folder", "postgres"),
    description:
      "Where document bytes are kept: folder (DATA_DIR/documents, one machine or a filesystem every machine mounts) or postgres (in the STORE_URL database, reached by every machine).",
  },
  blobChunkBytes: {
    env: "BLOB_CHUNK_BYTES",
    affectsResults: false,
    default: 1024 * 1024,
    // Up to 64 MiB: each chunk is one statement and one value in memory, on both sides.
    parse: integer(1024, 64 * 1024 * 1024),
    description:
      "With BLOB_STORE=postgres: bytes per stored chunk of a document, read and written one at a time; blobs already stored keep theirs.",
  },
  jobConcurrency: {
    env: "JOB_CONCURRENCY",
    affectsResults: false,
    default: undefined,
    parse: integer(1, 1024),
    description:
      "Documents processed at once across all jobs (unset: twice MODEL_CONCURRENCY); their model calls share MODEL_CONCURRENCY.",
  },
  jobAttempts: {
    env: "JOB_ATTEMPTS",
    affectsResults: false,
    default: 3,
    parse: integer(1, 100),
    description:
      "Times a document is tried when it fails for a reason a retry can help (model server down, timeout) before it is marked failed.",
  },
  jobRetryDelayMs: {
    env: "JOB_RETRY_DELAY_MS",
    affectsResults: false,
    default: 30_000,
    parse: integer(0),
    description: "Wait before such a document is tried again, in milliseconds; doubled each time.",
  },
  modelDownMaxMs: {
    env: "MODEL_DOWN_MAX_MS",
    affectsResults: true,
    default: 900_000,
    parse: integer(0),
    description:
      "While the model server is down, batch documents wait for it (none claimed, no attempt counted) for this long, in milliseconds; then they fail as JOB_ATTEMPTS says. 0: they fail at once.",
  },
  shutdownGraceMs: {
    env: "SHUTDOWN_GRACE_MS",
    affectsResults: false,
    default: 25_000,
    parse: integer(0),
    description:
      "On SIGTERM, time documents in progress get to finish before they are put back in the queue for the next start, and HTTP requests in flight before their connections are cut.",
  },
  extractSyncMaxBytes: {
    env: "EXTRACT_SYNC_MAX_BYTES",
    affectsResults: false,
    default: 262_144,
    parse: integer(1),
    description:
      "POST /v1/extract answers larger documents with 202 and a job instead of holding the request.",
  },
  maxArchiveBytes: {
    env: "MAX_ARCHIVE_BYTES",
    affectsResults: false,
    default: 2 * 1024 ** 3,
    parse: integer(1),
    description: "Largest ZIP or TAR accepted by POST /v1/batches (streamed to disk, never to memory).",
  },
  archiveMaxEntries: {
    env: "ARCHIVE_MAX_ENTRIES",
    affectsResults: false,
    default: 100_000,
    parse: integer(1),
    description: "Most entries read from one archive, nested ones included; past it the batch is refused.",
  },
  archiveMaxUnpackedBytes: {
    env: "ARCHIVE_MAX_UNPACKED_BYTES",
    affectsResults: false,
    default: 10 * 1024 ** 3,
    parse: integer(1),
    description: "Most bytes unpacked from one archive in all; past it the batch is refused (zip bombs).",
  },
  archiveMaxRatio: {
    env: "ARCHIVE_MAX_RATIO",
    affectsResults: false,
    default: 100,
    parse: integer(2),
    description:
      "Most unpacked bytes per archive byte (with 1 MiB of slack); past it the batch is refused (zip bombs).",
  },
  metsMaxFiles: {
    env: "METS_MAX_FILES",
    affectsResults: false,
    default: 20_000,
    parse: integer(1),
    description:
      "Most files (mets:file) one METS may list; a larger one is refused (INVALID_METS) before any of them is read.",
  },
  metsMaxDivs: {
    env: "METS_MAX_DIVS",
    affectsResults: false,
    default: 50_000,
    parse: integer(1),
    description:
      "Most divisions (mets:div) in all the structure maps of one METS, nested ones included; past it the METS is refused (INVALID_METS).",
  },
  metsUnitTypes: {
    env: "METS_UNIT_TYPES",
    affectsResults: true,
    default: ["issue", "volume"],
    parse: (raw: string) =>
      raw
        .split(",")
        .map((entry) => entry.trim().toLowerCase())
        .filter((entry) => entry !== ""),
    description:
      "Logical division types (mets:div TYPE, comma-separated) that are documents of their own: a METS whose logical structure map holds two or more of them (the innermost) makes one document each, of the pages linked to it; otherwise a METS is one document.",
  },
  metsRemoteFiles: {
    env: "METS_REMOTE_FILES",
    affectsResults: false,
    default: false,
    parse: onOff,
    description:
      "Whether the http(s) URLs a METS gives for its files are fetched (under the IIIF_* rules: allowed hosts, no private addresses, size and time limits); off, only files inside the package are read.",
  },
  iiifAllowedHosts: {
    env: "IIIF_ALLOWED_HOSTS",
    affectsResults: false,
    default: undefined,
    parse: hostNames,
    description:
      "Host names (comma-separated) IIIF manifests, images and annotations (and METS remote files) may be fetched from; unset, none: every fetch is refused (REMOTE_NOT_ALLOWED). * allows any host, private addresses still refused.",
  },
  iiifAllowPrivateAddresses: {
    env: "IIIF_ALLOW_PRIVATE_ADDRESSES",
    affectsResults: false,
    default: false,
    parse: onOff,
    description:
      "Whether remote fetches may reach loopback, private, link-local and other non-public addresses (checked after DNS resolution, at every redirect): on only for an intranet IIIF server or tests.",
  },
  iiifMaxBytes: {
    env: "IIIF_MAX_BYTES",
    affectsResults: false,
    default: 64 * 1024 * 1024,
    parse: integer(1024),
    description:
      "Largest file fetched (manifest, info.json, image, annotation page): refused by its Content-Length, or cut at the limit (REMOTE_TOO_LARGE).",
  },
  iiifTimeoutMs: {
    env: "IIIF_TIMEOUT_MS",
    affectsResults: false,
    default: 30_000,
    parse: integer(100, 600_000),
    description:
      "Longest a remote fetch may take, from connecting to its last byte, redirects included (REMOTE_TIMEOUT).",
  },
  iiifMaxRedirects: {
    env: "IIIF_MAX_REDIRECTS",
    affectsResults: false,
    default: 5,
    parse: integer(0, 20),
    description: "Most redirects followed by one remote fetch, each checked against the same rules.",
  },
  iiifMaxManifests: {
    env: "IIIF_MAX_MANIFESTS",
    affectsResults: false,
    default: 1000,
    parse: integer(1),
    description:
      "Most manifests read from one IIIF collection (nested collections included, each visited once); past it the rest is skipped.",
  },
  iiifImageSize: {
    env: "IIIF_IMAGE_SIZE",
    affectsResults: true,
    default: 2500,
    parse: integer(256, 20_000),
    description:
      "Longest side, in pixels, of the canvas images asked of a IIIF Image API service for OCR (less where the service's info.json allows less).",
  },
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof SETTINGS;
export type Config = {
  -readonly [K in keyof Settings]: Settings[K]["default"] extends undefined
    ? ReturnType<Settings[K]["parse"]> | undefined
    : ReturnType<Settings[K]["parse"]>;
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable}: ${reason}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates every setting; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [string, Setting<unknown>][]) {
    const raw = env[setting.env];
    if (raw === undefined || raw.trim() === "") {
      config[key] = setting.default;
      continue;
    }
    try {
      config[key] = setting.parse(raw);
    } catch (error) {
      throw new ConfigError(setting.env, (error as Error).message);
    }
  }
  return checkCombinations(config as Config);
}

/** Settings that are valid alone but not together. */
function checkCombinations(config: Config): Config {
  const needsUrl = config.serverKind !== "auto" && config.serverKind !== "embedded";
  if (needsUrl && config.endpointUrls === undefined)
    throw new ConfigError(
      "BLOOM_ENDPOINT_URL",
      `BLOOM_SERVER=${config.serverKind} needs the server's address (unset BLOOM_SERVER to run BLOOM embedded)`,
    );
  if (config.blobStore === "postgres" && config.storeUrl === undefined)
    throw new ConfigError(
      "BLOB_STORE",
      "BLOB_STORE=postgres keeps documents in the database of STORE_URL, which is not set: set STORE_URL, or BLOB_STORE=folder",
    );
  return config;
}
