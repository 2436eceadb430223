/**
 * Maps what a model call can throw (the library's HTTP errors, fetch's network errors, timeouts, bodies that
 * are not JSON) to the catalogue codes of src/errors.ts, with messages naming the server and what to do.
 */
import { InferenceClientProviderApiError, InferenceClientProviderOutputError } from "@huggingface/inference";
import { type ErrorCode, isPalimpsestError, PalimpsestError } from "../errors.js";
import { isCount, isRecord } from "./shape.js";

/** Codes worth another attempt of the same call (retry.ts); the others fail the same way again. */
export const RETRIED_CODES: ReadonlySet<ErrorCode> = new Set([
  "ENDPOINT_OVERLOADED",
  "ENDPOINT_FAILED",
  "ENDPOINT_TIMEOUT",
  "ENDPOINT_UNREACHABLE",
]);

/** The server's own words: TGI `{error}`, FastAPI `{detail}`, vLLM/llama.cpp `{error: {message}}`, plain text. */
function upstreamMessage(body: unknown): string {
  if (typeof body === "string") return body.trim().slice(0, 500);
  if (!isRecord(body)) return "";
  for (const value of [
    body.error,
    body.detail,
    body.message,
    isRecord(body.error) ? body.error.message : undefined,
  ])
    if (typeof value === "string") return value;
  return "";
}

/** Reads the limits out of "prompt too long" refusals, so the chunker knows how much to cut. */
function inputTooLong(message: string, body: unknown): Record<string, number> | undefined {
  const group = (match: RegExpMatchArray, index: number) => Number(match[index]);
  // TGI router/src/validation.rs, ValidationError::InputLength and ::MaxTotalTokens.
  let match = message.match(/`inputs` must have less than (\d+) tokens\. Given: (\d+)/);
  if (match) return { maxInputTokens: group(match, 1), given: group(match, 2) };
  match = message.match(/must be <= (\d+)\. Given: (\d+) `inputs` tokens and (\d+) `max_new_tokens`/);
  if (match)
    return { maxTotalTokens: group(match, 1), given: group(match, 2), maxNewTokens: group(match, 3) };
  // vLLM: "This model's maximum context length is 2048 tokens. However, you requested 2100 tokens (...)".
  match = message.match(/maximum context length is (\d+) tokens/);
  if (match) {
    const requested = message.match(/requested (\d+) tokens/);
    return { maxTotalTokens: group(match, 1), ...(requested ? { given: group(requested, 1) } : {}) };
  }
  // llama.cpp's server: {error: {type: "exceed_context_size_error", n_prompt_tokens, n_ctx}}, for a prompt of
  // n_ctx tokens or more whatever max_tokens asks (builds before the counts send the type alone).
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (error?.type === "exceed_context_size_error")
    return isCount(error.n_ctx) && isCount(error.n_prompt_tokens)
      ? { maxInputTokens: error.n_ctx - 1, maxTotalTokens: error.n_ctx, given: error.n_prompt_tokens }
      : {};
  return undefined;
}

/**
 * An HTTP refusal or failure. The library's error is not kept as `cause`: it carries the request body, i.e.
 * the document text, which must not reach logs above trace level.
 */
function fromHttpStatus(status: number, body: unknown, where: string, attempts: number): PalimpsestError {
  const said = upstreamMessage(body);
  const details = { upstreamStatus: status, upstreamMessage: said, attempts };
  const quoted = said ? `: ${said}` : "";
  const tooLong = status === 400 || status === 413 || status === 422 ? inputTooLong(said, body) : undefined;
  if (tooLong)
    return new PalimpsestError(
      "INPUT_TOO_LONG",
      `The prompt does not fit the model server's limits${quoted}`,
      {
        details: { ...details, ...tooLong },
      },
    );
  if (status === 429 || status === 503) {
    // The hosted API's 503 says how long the model needs to load: `estimated_time`, in seconds.
    const estimated =
      isRecord(body) && typeof body.estimated_time === "number" ? body.estimated_time : undefined;
    return new PalimpsestError(
      "ENDPOINT_OVERLOADED",
      `The model server at ${where} is ${status === 503 ? "unavailable (loading or restarting)" : "overloaded"} (HTTP ${status}${quoted}) after ${attempts} attempt(s). Try again later or lower MODEL_CONCURRENCY.`,
      {
        details:
          estimated === undefined ? details : { ...details, retryAfterMs: Math.ceil(estimated * 1000) },
      },
    );
  }
  if (status === 424 || status >= 500)
    return new PalimpsestError(
      "ENDPOINT_FAILED",
      `The model server at ${where} failed (HTTP ${status}${quoted}) after ${attempts} attempt(s).`,
      { details },
    );
  if (status >= 400)
    return new PalimpsestError(
      "ENDPOINT_REJECTED",
      `The model server at ${where} rejected the request (HTTP ${status}${quoted}).${status === 401 || status === 403 ? " Check HF_TOKEN." : ""}`,
      { details },
    );
  return new PalimpsestError(
    "ENDPOINT_BAD_RESPONSE",
    `The model server at ${where} answered HTTP ${status}.`,
    {
      details,
    },
  );
}

/**
 * One failed attempt, as a catalogue error. `where` names the server for the message; `attempts` is how many
 * attempts the call has made so far.
 */
export function toEndpointError(error: unknown, where: string, attempts: number): PalimpsestError {
  if (isPalimpsestError(error)) return error;
  if (error instanceof InferenceClientProviderApiError)
    return fromHttpStatus(error.httpResponse.status, error.httpResponse.body, where, attempts);
  // A 200 whose body is not the protocol: not JSON (SyntaxError from the parser) or the wrong shape.
  if (error instanceof InferenceClientProviderOutputError || error instanceof SyntaxError)
    return badResponse(where, error.message, error);
  // AbortSignal.timeout() fired: the attempt took longer than MODEL_TIMEOUT_MS.
  if (error instanceof DOMException && error.name === "TimeoutError")
    return new PalimpsestError(
      "ENDPOINT_TIMEOUT",
      `The model server at ${where} did not answer in time after ${attempts} attempt(s). Raise MODEL_TIMEOUT_MS or use a faster server.`,
      { cause: error, details: { attempts } },
    );
  // fetch (undici) reports refused, reset and dropped connections as TypeError("fetch failed", {cause}).
  if (error instanceof TypeError && error.cause !== undefined) {
    const cause = error.cause as { code?: string; message?: string };
    return new PalimpsestError(
      "ENDPOINT_UNREACHABLE",
      `Cannot reach the model server at ${where} (${cause.code ?? cause.message ?? error.message}) after ${attempts} attempt(s). Check BLOOM_ENDPOINT_URL and that the server is running.`,
      { cause: error, details: { attempts } },
    );
  }
  return new PalimpsestError("INTERNAL", `Unexpected error calling the model server at ${where}`, {
    cause: error,
  });
}

export function badResponse(where: string, what: string, cause?: unknown): PalimpsestError {
  return new PalimpsestError(
    "ENDPOINT_BAD_RESPONSE",
    `The model server at ${where} answered something that is not its protocol: ${what}. Check BLOOM_ENDPOINT_URL and BLOOM_SERVER.`,
    cause === undefined ? undefined : { cause },
  );
}
