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

const text: Parser<string> = (raw) => raw.trim();

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

/** Every setting, with its variable name, default and meaning (the README table is made from this). */
export const SETTINGS = {
  port: { env: "PORT", default: 3000, parse: integer(0, 65535), description: "HTTP port of the API." },
  host: {
    env: "HOST",
    default: "127.0.0.1",
    parse: text,
    description: "Interface the API listens on (0.0.0.0 in a container).",
  },
  logLevel: {
    env: "LOG_LEVEL",
    default: "info" as const,
    parse: oneOf("fatal", "error", "warn", "info", "debug", "trace", "silent"),
    description: "pino log level. Document text is only logged at trace.",
  },
  endpointUrl: {
    env: "BLOOM_ENDPOINT_URL",
    default: "http://127.0.0.1:8080",
    parse: url,
    description: "Base URL of the model server (TGI, an Inference Endpoint, vLLM or llama.cpp's server).",
  },
  serverKind: {
    env: "BLOOM_SERVER",
    default: "auto" as const,
    parse: oneOf("auto", "tgi", "openai"),
    description:
      "Protocol of the model server: tgi (native /generate with grammar), openai (/v1/completions), auto (probe /info, then /v1/models).",
  },
  hfToken: {
    env: "HF_TOKEN",
    default: undefined,
    parse: text,
    description: "Bearer token sent to the model server (Inference Endpoints). Never logged.",
  },
  model: {
    env: "BLOOM_MODEL",
    default: "bigscience/bloomz-560m",
    parse: text,
    description:
      "Model name sent to OpenAI-compatible servers and recorded with results (TGI reports its own).",
  },
  dataDir: {
    env: "DATA_DIR",
    default: "./data",
    parse: (raw: string) => resolve(raw.trim()),
    description: "Where Palimpsest keeps its files.",
  },
  profilesDir: {
    env: "PROFILES_DIR",
    default: undefined,
    parse: (raw: string) => resolve(raw.trim()),
    description: "Extra folder of extraction profiles (*.json) next to the built-in ones in schemas/.",
  },
  defaultProfile: {
    env: "DEFAULT_PROFILE",
    default: "default",
    parse: text,
    description: "Profile used when a request names none.",
  },
  maxUploadBytes: {
    env: "MAX_UPLOAD_BYTES",
    default: 50 * 1024 * 1024,
    parse: integer(1),
    description: "Largest accepted upload; larger ones get 413 without being buffered.",
  },
  maxPages: {
    env: "MAX_PAGES",
    default: 500,
    parse: integer(1),
    description: "Most pages read from one document (PDF, multi-page TIFF, XML export).",
  },
  maxChunks: {
    env: "MAX_CHUNKS",
    default: 400,
    parse: integer(1),
    description:
      "Most chunks (model prompts before retries) one document may cost; bigger documents are refused with 413.",
  },
  requestTimeoutMs: {
    env: "MODEL_TIMEOUT_MS",
    default: 120_000,
    parse: integer(100),
    description: "Timeout of one model call (an attempt), in milliseconds.",
  },
  documentTimeoutMs: {
    env: "DOCUMENT_TIMEOUT_MS",
    default: 30 * 60_000,
    parse: integer(1000),
    description: "Time limit for one whole document, in milliseconds.",
  },
  modelRetries: {
    env: "MODEL_RETRIES",
    default: 5,
    parse: integer(0, 20),
    description: "Retries of one model call after 429, 503, 424, 5xx, dropped connections and timeouts.",
  },
  retryBaseMs: {
    env: "MODEL_RETRY_BASE_MS",
    default: 500,
    parse: integer(1),
    description: "First backoff delay; doubled each retry, with full jitter.",
  },
  retryMaxMs: {
    env: "MODEL_RETRY_MAX_MS",
    default: 30_000,
    parse: integer(1),
    description: "Longest single backoff delay.",
  },
  modelConcurrency: {
    env: "MODEL_CONCURRENCY",
    default: 8,
    parse: integer(1, 1024),
    description:
      "Model calls in flight at once per endpoint (also capped by the server's max_concurrent_requests).",
  },
  maxNewTokens: {
    env: "MAX_NEW_TOKENS",
    default: 512,
    parse: integer(16),
    description: "Output budget per chunk, in tokens; raised on truncated output up to the server's limit.",
  },
  chunkOverlap: {
    env: "CHUNK_OVERLAP",
    default: 0.1,
    parse: ratio,
    description: "Share of a chunk repeated at the start of the next so entities on a boundary are not cut.",
  },
  reasks: {
    env: "MODEL_REASKS",
    default: 2,
    parse: integer(0, 5),
    description:
      "Times the model is asked again with the validation errors when its output breaks the schema.",
  },
  ocrEngine: {
    env: "OCR_ENGINE",
    default: "auto" as const,
    parse: oneOf("auto", "native", "tesseractjs"),
    description:
      "OCR engine: native (the tesseract command, with Debian's historical models), tesseractjs (bundled, offline), auto (native where installed).",
  },
  ocrLanguages: {
    env: "OCR_LANGUAGES",
    default: "eng",
    parse: (raw: string) => ocrModels(raw),
    description:
      "Tesseract models (joined by +) for documents whose language is neither given nor implied by a script.",
  },
  ocrParallelPages: {
    env: "OCR_PARALLEL_PAGES",
    default: undefined,
    parse: integer(1, 64),
    description:
      "Pages read by OCR at once (processes or workers), shared by all documents; also the page images rendered at once for the API. Default: the number of CPUs, at most 4.",
  },
  ocrPageTimeoutMs: {
    env: "OCR_PAGE_TIMEOUT_MS",
    default: 120_000,
    parse: integer(1000),
    description:
      "Time limit for the OCR of one page; a page over it is reported and the rest of the document is read.",
  },
  ocrMaxPixels: {
    env: "OCR_MAX_PIXELS",
    default: 120_000_000,
    parse: integer(1),
    description:
      "Largest page image (width x height) read; larger ones, e.g. decompression bombs, are refused before decoding.",
  },
  ocrDpi: {
    env: "OCR_DPI",
    default: 300,
    parse: integer(72, 1200),
    description: "Resolution PDF pages without usable text are rendered at for OCR.",
  },
  ocrLowConfidence: {
    env: "OCR_LOW_CONFIDENCE",
    default: 0.6,
    parse: ratio,
    description: "Mentions whose least confident OCR word is below this (0-1) are flagged lowConfidence.",
  },
  pageImageMaxWidth: {
    env: "PAGE_IMAGE_MAX_WIDTH",
    default: 2000,
    // 65535: the largest side a JPEG can have.
    parse: integer(16, 65535),
    description:
      "Widest page image served when the request names no width (GET /v1/documents/:id/pages/:n/image); narrower pages keep their size.",
  },
  storePath: {
    env: "STORE_PATH",
    default: undefined,
    parse: (raw: string) => (raw.trim() === ":memory:" ? ":memory:" : resolve(raw.trim())),
    description:
      "SQLite file keeping documents, jobs, results and the model-response cache (unset: DATA_DIR/palimpsest.db; :memory: keeps nothing).",
  },
  jobConcurrency: {
    env: "JOB_CONCURRENCY",
    default: undefined,
    parse: integer(1, 1024),
    description:
      "Documents processed at once across all jobs (unset: twice MODEL_CONCURRENCY); their model calls share MODEL_CONCURRENCY.",
  },
  jobAttempts: {
    env: "JOB_ATTEMPTS",
    default: 3,
    parse: integer(1, 100),
    description:
      "Times a document is tried when it fails for a reason a retry can help (model server down, timeout) before it is marked failed.",
  },
  jobRetryDelayMs: {
    env: "JOB_RETRY_DELAY_MS",
    default: 30_000,
    parse: integer(0),
    description: "Wait before such a document is tried again, in milliseconds; doubled each time.",
  },
  modelDownMaxMs: {
    env: "MODEL_DOWN_MAX_MS",
    default: 900_000,
    parse: integer(0),
    description:
      "While the model server is down, batch documents wait for it (none claimed, no attempt counted) for this long, in milliseconds; then they fail as JOB_ATTEMPTS says. 0: they fail at once.",
  },
  shutdownGraceMs: {
    env: "SHUTDOWN_GRACE_MS",
    default: 25_000,
    parse: integer(0),
    description:
      "On SIGTERM, time documents in progress get to finish before they are put back in the queue for the next start, and HTTP requests in flight before their connections are cut.",
  },
  extractSyncMaxBytes: {
    env: "EXTRACT_SYNC_MAX_BYTES",
    default: 262_144,
    parse: integer(1),
    description:
      "POST /v1/extract answers larger documents with 202 and a job instead of holding the request.",
  },
  maxArchiveBytes: {
    env: "MAX_ARCHIVE_BYTES",
    default: 2 * 1024 ** 3,
    parse: integer(1),
    description: "Largest ZIP or TAR accepted by POST /v1/batches (streamed to disk, never to memory).",
  },
  archiveMaxEntries: {
    env: "ARCHIVE_MAX_ENTRIES",
    default: 100_000,
    parse: integer(1),
    description: "Most entries read from one archive, nested ones included; past it the batch is refused.",
  },
  archiveMaxUnpackedBytes: {
    env: "ARCHIVE_MAX_UNPACKED_BYTES",
    default: 10 * 1024 ** 3,
    parse: integer(1),
    description: "Most bytes unpacked from one archive in all; past it the batch is refused (zip bombs).",
  },
  archiveMaxRatio: {
    env: "ARCHIVE_MAX_RATIO",
    default: 100,
    parse: integer(2),
    description:
      "Most unpacked bytes per archive byte (with 1 MiB of slack); past it the batch is refused (zip bombs).",
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
  return config as Config;
}
