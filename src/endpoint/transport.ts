/**
 * The HTTP layer under both adapters. Every POST to the model server goes through @huggingface/inference
 * (pinned at 4.13.16: its textGeneration still sends TGI's native body with the grammar, see DESIGN.md §3),
 * so auth headers, error bodies and `fetch`/`signal` handling are the library's. Failures surface as the
 * library's error classes, GETs included, so errors.ts has one vocabulary to map.
 */
import {
  InferenceClient,
  InferenceClientProviderApiError,
  InferenceClientProviderOutputError,
  type Options,
  request,
  setLogger,
  type TextGenerationInput,
  type TextGenerationOutput,
} from "@huggingface/inference";
import type { BaseLogger } from "pino";
import { isRecord } from "./shape.js";

export interface TransportOptions {
  /** Base URL of the server, without a trailing slash. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer` on every request when set. */
  token?: string | undefined;
  fetch?: typeof fetch;
}

/**
 * The library logs through a process-wide logger (console by default); with an endpoint URL its only message
 * is `request`'s deprecation notice, printed on every call. Route it to our logger at debug level.
 */
export function routeLibraryLogs(logger: Pick<BaseLogger, "debug">): void {
  const log = (message: string, ...args: unknown[]) =>
    logger.debug({ library: "@huggingface/inference", args }, message);
  setLogger({ debug: log, info: log, warn: log, error: log, log });
}

/** A body the library did not understand as JSON is not our protocol: say so in the library's terms. */
function notJson(url: string, contentType: string | null): InferenceClientProviderOutputError {
  return new InferenceClientProviderOutputError(
    `Expected JSON from ${url}, got ${contentType ?? "a body without content type"}`,
  );
}

type ErrorBody = ConstructorParameters<typeof InferenceClientProviderApiError>[2]["body"];

/** An error answer as the library keeps it: the JSON object, else the text (an HTML page, an empty 404). */
function errorBody(text: string): ErrorBody {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) return parsed as ErrorBody;
  } catch {
    // Not JSON: the text is all there is.
  }
  return text;
}

export class Transport {
  readonly baseUrl: string;
  private readonly client: InferenceClient;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl;
    this.client = new InferenceClient(options.token ?? "", { endpointUrl: options.baseUrl });
  }

  /** Our retry policy (retry.ts) replaces the library's: unbounded immediate re-sends of every 503. */
  private callOptions(signal: AbortSignal): Options {
    return { signal, retry_on_error: false, ...(this.options.fetch ? { fetch: this.options.fetch } : {}) };
  }

  /**
   * TGI's native generation: 4.13.16's textGeneration POSTs `{inputs, parameters}` unchanged to the endpoint
   * URL as given (TGI's `POST /` route, which answers an array) and returns the first answer.
   */
  textGeneration(input: TextGenerationInput, signal: AbortSignal): Promise<TextGenerationOutput> {
    return this.client.textGeneration(input, this.callOptions(signal));
  }

  /**
   * POST `body` as JSON to `path` through the library's generic `request` helper. The body travels as a Blob
   * typed application/json because the library rebuilds JSON arguments and drops some keys (`model`, which
   * OpenAI-compatible servers need); a Blob is sent byte for byte, and fetch takes the Content-Type from it.
   */
  async post(path: string, body: object, signal: AbortSignal): Promise<unknown> {
    const url = this.baseUrl + path;
    const data = new Blob([JSON.stringify(body)], { type: "application/json" });
    const answer = await request<unknown>(
      { accessToken: this.options.token ?? "", endpointUrl: url, data },
      this.callOptions(signal),
    );
    // The library hands back a Blob when the answer's content type is not JSON.
    if (answer instanceof Blob) throw notJson(url, answer.type || null);
    return answer;
  }

  /**
   * GET `path` and parse its JSON. The library cannot do this: its request builder always POSTs
   * (makeRequestOptions hardcodes the method), and TGI's /info and OpenAI's /v1/models are GET-only.
   * So this is plain fetch with the same bearer token; errors are raised as the library's classes.
   */
  async get(path: string, signal: AbortSignal): Promise<unknown> {
    const { url, response, text } = await this.fetchGet(path, signal);
    try {
      return JSON.parse(text);
    } catch {
      throw notJson(url, response.headers.get("content-type"));
    }
  }

  /** GET `path` for its status alone: TGI's /health answers 200 with an empty body. */
  async ping(path: string, signal: AbortSignal): Promise<void> {
    await this.fetchGet(path, signal);
  }

  /** A GET answered 2xx, with its text; any other status is raised as the library's error. */
  private async fetchGet(path: string, signal: AbortSignal) {
    const url = this.baseUrl + path;
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    const response = await (this.options.fetch ?? fetch)(url, { method: "GET", headers, signal });
    const text = await response.text();
    if (!response.ok)
      throw new InferenceClientProviderApiError(
        `GET ${path} failed with status ${response.status}`,
        { url, method: "GET", headers },
        {
          requestId: response.headers.get("x-request-id") ?? "",
          status: response.status,
          body: errorBody(text),
        },
      );
    return { url, response, text };
  }
}
