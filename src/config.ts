/**
 * The one configuration of Palimpsest, read from the environment and validated once.
 * Server, CLI and tests all go through loadConfig(); a bad value stops start-up with a message
 * naming the variable.
 */
import { resolve } from "node:path";

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
    description: "Most pages read from one PDF.",
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
    default: 4,
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
