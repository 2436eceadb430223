/**
 * The HTTP layer under the adapters. TGI's native generation goes through @huggingface/inference's
 * textGeneration (pinned at 4.13.16: it still sends TGI's native body with the grammar, see DESIGN.md §3),
 * so its auth headers, error bodies and `fetch`/`signal` handling are the library's. Other routes (TGI's
 * /info and /tokenize, the OpenAI-compatible and llama.cpp routes) have no task function in the library,
 * and its generic `request` is deprecated (it logs a notice on every call): they are plain fetch with the
 * same bearer token, their failures raised as the library's error classes, so errors.ts has one
 * vocabulary to map. A generation made for a request carries its id as X-Request-Id.
 */
import {
  InferenceClient,
  InferenceClientProviderApiError,
  InferenceClientProviderOutputError,
  type Options,
  setLogger,
  type TextGenerationInput,
  type TextGenerationOutput,
} from "@huggingface/inference";
import type { BaseLogger } from "pino";
import { REQUEST_ID_HEADER } from "../observability/request-id.js";
import { isRecord } from "./shape.js";

export interface TransportOptions {
  /** Base URL of the server, without a trailing slash. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer` on every request when set. */
  token?: string | undefined;
  fetch?: typeof fetch;
}

/**
 * The library logs through a process-wide logger (console by default); textGeneration with an endpoint URL
 * logs nothing, but anything it might say goes to our logger at debug level rather than to the console.
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

/** `fetch` with the request's id added to the headers the caller gives. */
function withRequestId(send: typeof fetch, requestId: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set(REQUEST_ID_HEADER, requestId);
    return send(input, { ...init, headers });
  };
}

export class Transport {
  readonly baseUrl: string;
  private readonly client: InferenceClient;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl;
    this.client = new InferenceClient(options.token ?? "", { endpointUrl: options.baseUrl });
    this.fetch = options.fetch ?? fetch;
  }

  /**
   * TGI's native generation: 4.13.16's textGeneration POSTs `{inputs, parameters}` unchanged to the endpoint
   * URL as given (TGI's `POST /` route, which answers an array) and returns the first answer. Our retry
   * policy (retry.ts) replaces the library's: unbounded immediate re-sends of every 503.
   */
  textGeneration(
    input: TextGenerationInput,
    signal: AbortSignal,
    requestId?: string,
  ): Promise<TextGenerationOutput> {
    const options: Options = {
      signal,
      retry_on_error: false,
      fetch: requestId === undefined ? this.fetch : withRequestId(this.fetch, requestId),
    };
    return this.client.textGeneration(input, options);
  }

  /** POST `body` as JSON to `path` and parse the JSON answer. */
  async post(path: string, body: object, signal: AbortSignal, requestId?: string): Promise<unknown> {
    const { url, response, text } = await this.send("POST", path, signal, {
      body: JSON.stringify(body),
      requestId,
    });
    return parseJson(url, response, text);
  }

  /** GET `path` and parse its JSON (TGI's /info, OpenAI's /v1/models, llama.cpp's /props). */
  async get(path: string, signal: AbortSignal): Promise<unknown> {
    const { url, response, text } = await this.send("GET", path, signal);
    return parseJson(url, response, text);
  }

  /** GET `path` for its status alone: TGI's /health answers 200 with an empty body. */
  async ping(path: string, signal: AbortSignal): Promise<void> {
    await this.send("GET", path, signal);
  }

  /** A request answered 2xx, with its text; any other status is raised as the library's error. */
  private async send(
    method: "GET" | "POST",
    path: string,
    signal: AbortSignal,
    extra: { body?: string; requestId?: string | undefined } = {},
  ) {
    const url = this.baseUrl + path;
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    if (extra.body !== undefined) headers["Content-Type"] = "application/json";
    if (extra.requestId !== undefined) headers[REQUEST_ID_HEADER] = extra.requestId;
    const response = await this.fetch(url, { method, headers, signal, body: extra.body });
    const text = await response.text();
    if (!response.ok)
      throw new InferenceClientProviderApiError(
        `${method} ${path} failed with status ${response.status}`,
        // Never the body: it holds the document's text, which must not reach logs above trace level.
        { url, method, headers: { Accept: "application/json" } },
        {
          requestId: response.headers.get(REQUEST_ID_HEADER) ?? "",
          status: response.status,
          body: errorBody(text),
        },
      );
    return { url, response, text };
  }
}

function parseJson(url: string, response: Response, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw notJson(url, response.headers.get("content-type"));
  }
}
