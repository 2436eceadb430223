/**
 * The model-server port: what the pipeline needs from wherever BLOOM runs.
 * Adapters: BLOOM embedded in the process (embedded/), TGI native (tgi.ts), llama.cpp's server (llamacpp.ts)
 * and OpenAI-compatible `/v1/completions` servers (openai.ts).
 *
 * Adapters throw PalimpsestError (src/errors.ts):
 * - INPUT_TOO_LONG when the server says the prompt does not fit (the chunker then splits);
 * - ENDPOINT_OVERLOADED / ENDPOINT_FAILED / ENDPOINT_TIMEOUT / ENDPOINT_UNREACHABLE once retries are spent;
 * - ENDPOINT_BAD_RESPONSE when the server answers something that is not its protocol;
 * - ENDPOINT_REJECTED for any other 4xx (a request we built wrong; retrying cannot help).
 */
import type { Log } from "../logger.js";

export type ServerKind = "embedded" | "tgi" | "llamacpp" | "openai";

export interface EndpointInfo {
  kind: ServerKind;
  modelId: string;
  /** Longest prompt the server accepts, in tokens. */
  maxInputTokens: number;
  /** Prompt plus generated tokens, in tokens. */
  maxTotalTokens: number;
  /** Requests the server serves at once before it answers 429. */
  maxConcurrentRequests: number;
  /** Whether token counts come from the server's own tokenizer (TGI /tokenize) or an estimate. */
  exactTokenCounts: boolean;
}

export interface GenerateRequest {
  prompt: string;
  maxNewTokens: number;
  /** JSON Schema the output must follow; sent as a grammar where the server supports it. */
  schema?: object;
  /** Strings that end generation. */
  stop?: string[];
  signal?: AbortSignal;
  /** The request (or job's request) the call is made for: sent to the model server as X-Request-Id. */
  requestId?: string;
  /** Where the call's retries and fallbacks are logged: the document's logger, with its request and job. */
  log?: Pick<Log, "info" | "warn">;
}

export type FinishReason = "length" | "eos_token" | "stop_sequence" | "unknown";

export interface GenerateResult {
  text: string;
  /** "length" means the output was cut at maxNewTokens: the JSON in it is incomplete. */
  finishReason: FinishReason;
  /** True when the server constrained the output with the schema. */
  grammarApplied: boolean;
  promptTokens?: number;
  generatedTokens?: number;
  /** Attempts this call took (1 = no retry). */
  attempts: number;
}

export interface LlmEndpoint {
  /** Limits and identity of the server (cached after the first successful call). */
  info(): Promise<EndpointInfo>;
  /** Tokens `text` costs: exact via the server's tokenizer where it has one, else a calibrated estimate. */
  countTokens(text: string): Promise<number>;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /**
   * Resolves when the server answers now (TGI's GET /health, an OpenAI-compatible GET /v1/models), for
   * readiness checks: one attempt with a short time limit (probe.ts); never retried, never cached, never
   * queued behind model calls.
   */
  probe(signal?: AbortSignal): Promise<void>;
}
