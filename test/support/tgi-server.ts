/**
 * A real HTTP server speaking text-generation-inference's protocol (reference/tgi/openapi.json, router v3.3.5),
 * or, with `openaiOnly`, only the OpenAI-compatible routes vLLM and llama.cpp's server offer. Tests use it to
 * prove what actually goes over the wire (`received`), to inject failures (`failNext`), to take the
 * server down and back (`setHealthy`, `close` then `reopen`) and to check that clients respect the server's
 * limits (`maxInFlight`).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ContractError,
  completionToGenerateRequest,
  deserializeGenerateRequest,
  type GenerateRequest,
  isRecord,
  type Limits,
  MAX_STOP_SEQUENCES,
  validateGenerateRequest,
} from "./tgi-contract.js";
import { decode, generateResponse } from "./tgi-generation.js";
import { complete, modelList } from "./tgi-openai.js";
import { tokenize } from "./tgi-tokenizer.js";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
  body: unknown;
}

/** Failures served instead of the next generation requests, in order. */
export type Fault =
  | { status: 429 | 503 | 424 | 500; body?: unknown }
  /** Destroy the socket without answering. */
  | { drop: true }
  /** Never answer (until the client gives up or the server closes). */
  | { hang: true }
  /** 200 with a body that is not JSON; `contentType` defaults to the one that lies: application/json. */
  | { garbage: true; contentType?: string };

export interface TgiTestServerOptions {
  maxInputTokens?: number;
  maxTotalTokens?: number;
  /** TGI's --max-concurrent-requests: one more generation gets 429 (not enforced in openaiOnly mode: vLLM queues). */
  maxConcurrentRequests?: number;
  /** false: as TGI with --disable-grammar-support. */
  grammarSupport?: boolean;
  /** Time each generation takes, so concurrent calls overlap. */
  latencyMs?: number;
  modelId?: string;
  /** Serve only GET /v1/models and POST /v1/completions, as vLLM or llama.cpp's server would. */
  openaiOnly?: boolean;
  /** The full text the "model" would generate; the server then applies max_new_tokens and stop. */
  respond?: (prompt: string, parameters: Record<string, unknown>) => string;
}

export interface TgiTestServer {
  url: string;
  received: ReceivedRequest[];
  failNext(...faults: Fault[]): void;
  /**
   * false: GET /health answers TGI's 503 (`{error: "unhealthy", error_type: "healthcheck"}`), as when its
   * shards fail the health check; /info, static in TGI's router, still answers. No effect with `openaiOnly`.
   */
  setHealthy(healthy: boolean): void;
  /** Most generation requests the server has held at once. */
  readonly maxInFlight: number;
  /** Generation requests the server holds now (a hanging one until its client gives up). */
  readonly inFlight: number;
  close(): Promise<void>;
  /** Listens again on the same port (same `url`) after close(): the server is back. */
  reopen(): Promise<void>;
}

type Reply = { status: number; body: unknown; contentType?: string };
type Handler = (body: unknown) => Promise<Reply>;

const JSON_TYPE = "application/json";

const FAULT_BODIES: Record<429 | 503 | 424 | 500, (modelId: string) => unknown> = {
  429: () => ({ error: "Model is overloaded", error_type: "overloaded" }),
  // The hosted Inference API's answer while a model loads.
  503: (modelId) => ({ error: `Model ${modelId} is currently loading`, estimated_time: 20 }),
  424: () => ({ error: "Request failed during generation: CUDA out of memory", error_type: "generation" }),
  500: () => ({ error: "Incomplete generation", error_type: "incomplete_generation" }),
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseOrKeep(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(response: ServerResponse, { status, body, contentType = JSON_TYPE }: Reply): void {
  // An empty answer (a 404, /health's 200) has no content type, as axum sends it.
  if (body === undefined) {
    response.writeHead(status, { "content-length": 0 }).end();
    return;
  }
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(payload) });
  response.end(payload);
}

export async function startTgiTestServer(options: TgiTestServerOptions = {}): Promise<TgiTestServer> {
  const modelId = options.modelId ?? "bigscience/bloomz-560m";
  const maxConcurrentRequests = options.maxConcurrentRequests ?? 8;
  const latencyMs = options.latencyMs ?? 0;
  const respond = options.respond ?? (() => '{"entities": []}');
  const limits: Limits = {
    maxInputTokens: options.maxInputTokens ?? 1024,
    maxTotalTokens: options.maxTotalTokens ?? 2048,
    grammarSupport: options.grammarSupport ?? true,
  };
  const received: ReceivedRequest[] = [];
  const faults: Fault[] = [];
  let active = 0;
  let maxInFlight = 0;
  let permits = maxConcurrentRequests;
  let healthy = true;

  /** TGI's semaphore: a request that finds no permit is refused at once, not queued. */
  async function withPermit(work: () => Promise<Reply>): Promise<Reply> {
    if (permits === 0) return { status: 429, body: FAULT_BODIES[429](modelId) };
    permits--;
    try {
      return await work();
    } finally {
      permits++;
    }
  }

  /** Shared by POST /generate, POST / and POST /v1/completions: validate, then "generate" (taking latencyMs). */
  async function generateWith(request: GenerateRequest, parameters: Record<string, unknown>) {
    const { inputTokens, maxNewTokens } = validateGenerateRequest(request, limits);
    await sleep(latencyMs);
    const generation = decode(respond(request.inputs, parameters), maxNewTokens, request.parameters.stop);
    return { inputTokens, generation };
  }

  /** What respond() sees as parameters: the request's own, as the client sent them. */
  const rawParameters = (body: unknown): Record<string, unknown> => {
    const parameters = (body as { parameters?: unknown }).parameters;
    return isRecord(parameters) ? parameters : {};
  };
  const completionParameters = (body: unknown): Record<string, unknown> => {
    const { prompt: _prompt, ...parameters } = isRecord(body) ? body : {};
    return parameters;
  };

  async function generateRoute(body: unknown, compat: boolean): Promise<Reply> {
    const request = deserializeGenerateRequest(body);
    return withPermit(async () => {
      const { generation } = await generateWith(request, rawParameters(body));
      // POST / defaults return_full_text to true for text-generation models (server.rs compat_generate).
      const fullText = request.parameters.return_full_text ?? compat;
      const answer = generateResponse(request.inputs, request.parameters, generation, fullText);
      return { status: 200, body: compat ? [answer] : answer };
    });
  }

  async function tgiCompletion(body: unknown): Promise<Reply> {
    const request = completionToGenerateRequest(body);
    return withPermit(async () => {
      const { inputTokens, generation } = await generateWith(request, completionParameters(body));
      const completionTokens = generation.tokens.length;
      return {
        status: 200,
        body: {
          object: "text_completion",
          id: "",
          created: Math.floor(Date.now() / 1000),
          model: modelId,
          system_fingerprint: "3.3.5-native",
          choices: [
            {
              index: 0,
              text: generation.text,
              logprobs: null,
              // FinishReason::format(true): eos_token becomes OpenAI's "stop".
              finish_reason: generation.finishReason === "eos_token" ? "stop" : generation.finishReason,
            },
          ],
          usage: {
            prompt_tokens: inputTokens,
            completion_tokens: completionTokens,
            total_tokens: inputTokens + completionTokens,
          },
        },
      };
    });
  }

  const info = {
    model_id: modelId,
    model_sha: null,
    model_pipeline_tag: "text-generation",
    max_concurrent_requests: maxConcurrentRequests,
    max_best_of: 2,
    max_stop_sequences: MAX_STOP_SEQUENCES,
    max_input_tokens: limits.maxInputTokens,
    max_total_tokens: limits.maxTotalTokens,
    validation_workers: 2,
    max_client_batch_size: 4,
    router: "text-generation-router",
    version: "3.3.5",
    sha: null,
    docker_label: null,
  };

  const openAiModel = { modelId, maxTotalTokens: limits.maxTotalTokens };
  const routes: Record<string, Record<string, Handler>> = options.openaiOnly
    ? {
        "/v1/models": { GET: async () => ({ status: 200, body: modelList(openAiModel) }) },
        "/v1/completions": {
          POST: async (body) => {
            const answer = complete(body, openAiModel, (prompt) =>
              respond(prompt, completionParameters(body)),
            );
            await sleep(latencyMs);
            return { status: 200, body: answer };
          },
        },
      }
    : {
        "/info": { GET: async () => ({ status: 200, body: info }) },
        "/health": {
          GET: async () =>
            healthy
              ? { status: 200, body: undefined }
              : { status: 503, body: { error: "unhealthy", error_type: "healthcheck" } },
        },
        "/tokenize": {
          POST: async (body) => ({ status: 200, body: tokenize(deserializeGenerateRequest(body).inputs) }),
        },
        "/generate": { POST: (body) => generateRoute(body, false) },
        "/": { POST: (body) => generateRoute(body, true) },
        "/v1/completions": { POST: tgiCompletion },
        "/v1/models": {
          GET: async () => ({
            status: 200,
            body: { object: "list", data: [{ id: modelId, object: "model", created: 0, owned_by: modelId }] },
          }),
        },
      };
  const generationPaths = new Set(["/generate", "/", "/v1/completions"]);

  /** Serves a queued fault; true when it took over the response. */
  function serveFault(response: ServerResponse): boolean {
    const fault = faults.shift();
    if (fault === undefined) return false;
    if ("drop" in fault) response.socket?.destroy();
    else if ("garbage" in fault)
      send(response, {
        status: 200,
        body: "<html><body>upstream connect error</body></html>",
        contentType: fault.contentType ?? JSON_TYPE,
      });
    else if ("status" in fault)
      send(response, { status: fault.status, body: fault.body ?? FAULT_BODIES[fault.status](modelId) });
    // A hanging request is simply never answered.
    return true;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const method = request.method ?? "GET";
    received.push({ method, path, headers: request.headers, body: parseOrKeep(text) });

    const route = routes[path];
    if (route === undefined) return send(response, { status: 404, body: undefined });
    const handler = route[method];
    if (handler === undefined) return send(response, { status: 405, body: undefined });

    if (generationPaths.has(path)) {
      active++;
      maxInFlight = Math.max(maxInFlight, active);
      response.on("close", () => active--);
      if (serveFault(response)) return;
    }

    let body: unknown;
    if (method === "POST") {
      // axum's Json extractor: wrong content type is 415, unparseable JSON is 400 (both plain text).
      if (!request.headers["content-type"]?.startsWith(JSON_TYPE))
        return send(response, {
          status: 415,
          body: "Expected request with `Content-Type: application/json`",
          contentType: "text/plain; charset=utf-8",
        });
      try {
        body = JSON.parse(text);
      } catch (error) {
        return send(response, {
          status: 400,
          body: `Failed to parse the request body as JSON: ${(error as Error).message}`,
          contentType: "text/plain; charset=utf-8",
        });
      }
    }
    try {
      send(response, await handler(body));
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      send(response, { status: error.status, body: error.body });
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, { status: 500, body: { error: String(error), error_type: "test_server" } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext: (...next) => {
      faults.push(...next);
    },
    setHealthy: (value) => {
      healthy = value;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return active;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Closed already (a test took it down): nothing to do.
        if (!server.listening) return resolve();
        // Hanging requests keep their sockets open; cut them so close() returns.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    reopen: () =>
      new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      }),
  };
}
