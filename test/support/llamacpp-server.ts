/**
 * A real HTTP server speaking llama.cpp's server protocol (llama-server, tools/server of ggml-org/llama.cpp):
 * GET /health, GET /props, POST /tokenize, POST /v1/completions (json_schema honoured), GET /v1/models.
 * As the real server: it answers 503 "Loading model" on every route but /v1/models until the model is
 * loaded; a prompt of n_ctx tokens or more is a 400 exceed_context_size_error; a generation stops at the
 * slot's context ("length"); requests beyond the slots wait in a queue (llama.cpp defers them, it never
 * refuses them). Decoding and tokens are the TGI test server's stand-ins (tgi-generation.ts, tgi-tokenizer.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { isRecord } from "./tgi-contract.js";
import { decode, type Generation } from "./tgi-generation.js";
import type { ReceivedRequest } from "./tgi-server.js";
import { tokenize } from "./tgi-tokenizer.js";

export interface LlamaCppTestServerOptions {
  /** Context of one slot in tokens, as /props reports it: -c divided among the --parallel slots. */
  contextTokens?: number;
  /** --parallel: generations served at once. */
  slots?: number;
  /** -m */
  modelPath?: string;
  /** --alias */
  alias?: string;
  /** The GGUF's tokenizer.ggml.add_bos_token (BLOOM's GGUFs leave it unset: no BOS). */
  addBos?: boolean;
  /** Start while the model loads, until finishLoading(). */
  loading?: boolean;
  /** Time each generation takes, so concurrent calls overlap. */
  latencyMs?: number;
  /** The full text the "model" would generate; the server then applies max_tokens, the context and stop. */
  respond?: (prompt: string, body: Record<string, unknown>) => string;
}

export interface LlamaCppTestServer {
  url: string;
  received: ReceivedRequest[];
  finishLoading(): void;
  /** The slots' context changes, as when the server is restarted with another -c behind the same URL. */
  setContextTokens(tokens: number): void;
  /** Most generations the server has processed at once. */
  readonly maxInFlight: number;
  /** Most generations that waited for a free slot at once. */
  readonly maxQueued: number;
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown };

/** BLOOM's `<s>`. */
const BOS_ID = 1;

/** format_error_response(): `{error: {code, message, type}}`, the type naming the status. */
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  404: "not_found_error",
  500: "server_error",
  503: "unavailable_error",
};

function failure(code: number, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status: code, body: { error: { code, message, type: ERROR_TYPES[code], ...extra } } };
}

/** ERROR_TYPE_EXCEED_CONTEXT_SIZE: a 400 of its own type, with the counts (server_task_result_error). */
function exceedsContext(promptTokens: number, contextTokens: number): Reply {
  return failure(
    400,
    `request (${promptTokens} tokens) exceeds the available context size (${contextTokens} tokens), try increasing it`,
    { type: "exceed_context_size_error", n_prompt_tokens: promptTokens, n_ctx: contextTokens },
  );
}

/**
 * The one refusal of llama.cpp's JSON-schema converter (common/json-schema-to-grammar.cpp) these tests need:
 * it only turns anchored patterns into grammar rules.
 */
function conversionError(schema: unknown): string | undefined {
  if (Array.isArray(schema)) return schema.map(conversionError).find((error) => error !== undefined);
  if (!isRecord(schema)) return undefined;
  const { pattern } = schema;
  if (typeof pattern === "string" && !(pattern.startsWith("^") && pattern.endsWith("$")))
    return "Pattern must start with '^' and end with '$'";
  return Object.values(schema)
    .map(conversionError)
    .find((error) => error !== undefined);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, { status, body }: Reply): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
  });
  response.end(payload);
}

export async function startLlamaCppTestServer(
  options: LlamaCppTestServerOptions = {},
): Promise<LlamaCppTestServer> {
  const modelPath = options.modelPath ?? "/models/bloomz-560m.Q5_K_M.gguf";
  const slots = options.slots ?? 1;
  const latencyMs = options.latencyMs ?? 0;
  const respond = options.respond ?? (() => '{"entities": []}');
  const received: ReceivedRequest[] = [];
  let contextTokens = options.contextTokens ?? 2048;
  let loading = options.loading ?? false;
  let busy = 0;
  let maxInFlight = 0;
  let queued = 0;
  let maxQueued = 0;
  const waiting: Array<() => void> = [];
  const grammars = new Map<string, ValidateFunction>();
  const ajv = new Ajv2020({ strict: false });

  /** A slot for one generation; without a free one the task is deferred until a slot is released. */
  async function takeSlot(): Promise<void> {
    if (busy < slots) {
      busy++;
      maxInFlight = Math.max(maxInFlight, busy);
      return;
    }
    queued++;
    maxQueued = Math.max(maxQueued, queued);
    await new Promise<void>((resolve) => waiting.push(resolve));
    queued--;
  }

  function releaseSlot(): void {
    const next = waiting.shift();
    // The slot passes straight to the next deferred task.
    if (next) next();
    else busy--;
  }

  /** Tokens of a prompt as a completion tokenizes it: with the special tokens (a BOS where the GGUF says). */
  const promptTokens = (text: string): number[] => [
    ...(options.addBos ? [BOS_ID] : []),
    ...tokenize(text).map((token) => token.id),
  ];

  /**
   * A grammar built from the schema only lets the model write what the schema allows, so an answer it ends
   * itself conforms: an answer that does not is a stand-in no constrained model could have written.
   */
  function checkHonoured(schema: unknown, generation: Generation): void {
    if (generation.finishReason !== "eos_token") return;
    const key = JSON.stringify(schema);
    let validate = grammars.get(key);
    if (validate === undefined) {
      validate = ajv.compile(schema as object);
      grammars.set(key, validate);
    }
    let answer: unknown;
    try {
      answer = JSON.parse(generation.text);
    } catch {
      throw new Error(`json_schema given, yet the stand-in model answered no JSON: ${generation.text}`);
    }
    if (!validate(answer))
      throw new Error(
        `json_schema given, yet the stand-in model's answer breaks it: ${ajv.errorsText(validate.errors)}`,
      );
  }

  async function completion(body: unknown): Promise<Reply> {
    if (!isRecord(body) || typeof body.prompt !== "string") return failure(400, '"prompt" is required');
    const { prompt, max_tokens, stop, json_schema } = body;
    const stops = typeof stop === "string" ? [stop] : Array.isArray(stop) ? stop.map(String) : [];
    if (json_schema !== undefined) {
      const error = conversionError(json_schema);
      if (error) return failure(400, `"json_schema": JSON schema conversion failed:\n${error}`);
    }
    const tokens = promptTokens(prompt);
    await takeSlot();
    try {
      // Checked when a slot takes the task up (server-context.cpp), against the prompt alone.
      if (tokens.length >= contextTokens) return exceedsContext(tokens.length, contextTokens);
      await sleep(latencyMs);
      // Without context shift (the default), generation stops where the slot's context is full.
      const room = contextTokens - tokens.length;
      const predict = typeof max_tokens === "number" && max_tokens >= 0 ? Math.min(max_tokens, room) : room;
      const generation = decode(respond(prompt, body), predict, stops);
      if (json_schema !== undefined) checkHonoured(json_schema, generation);
      // The stopping word is left out of the text.
      const stopWord = stops.find((word) => generation.text.endsWith(word));
      const text =
        generation.finishReason === "stop_sequence" && stopWord !== undefined
          ? generation.text.slice(0, -stopWord.length)
          : generation.text;
      return {
        status: 200,
        body: {
          choices: [
            {
              text,
              index: 0,
              logprobs: null,
              finish_reason: generation.finishReason === "length" ? "length" : "stop",
            },
          ],
          created: Math.floor(Date.now() / 1000),
          model: options.alias ?? modelPath,
          system_fingerprint: "b6500-test",
          object: "text_completion",
          usage: {
            completion_tokens: generation.tokens.length,
            prompt_tokens: tokens.length,
            total_tokens: tokens.length + generation.tokens.length,
            prompt_tokens_details: { cached_tokens: 0 },
          },
          id: "chatcmpl-test",
        },
      };
    } finally {
      releaseSlot();
    }
  }

  function tokenizeRoute(body: unknown): Reply {
    if (!isRecord(body) || body.content === undefined) return { status: 200, body: { tokens: [] } };
    if (typeof body.content !== "string")
      return failure(500, "[json.exception.type_error.302] type must be string");
    // /tokenize adds the special tokens only when asked (add_special, default false).
    const ids =
      body.add_special === true ? promptTokens(body.content) : tokenize(body.content).map((t) => t.id);
    return { status: 200, body: { tokens: ids } };
  }

  const props = () => ({
    default_generation_settings: {
      id: 0,
      id_task: -1,
      n_ctx: contextTokens,
      speculative: false,
      is_processing: false,
      params: { n_predict: -1, temperature: 0.8, top_k: 40, top_p: 0.95, stop: [], grammar: "" },
      prompt: "",
    },
    total_slots: slots,
    model_alias: options.alias ?? "",
    model_path: modelPath,
    modalities: { vision: false, audio: false },
    chat_template: "",
    bos_token: "<s>",
    eos_token: "</s>",
    build_info: "b6500-test",
  });

  const models = () => ({
    object: "list",
    data: [
      {
        id: options.alias ?? modelPath,
        object: "model",
        created: Math.floor(Date.now() / 1000),
        owned_by: "llamacpp",
        // Unknown until the model is loaded.
        meta: loading ? null : { vocab_type: 2, n_vocab: 250_880, n_ctx_train: 2048, n_embd: 1024 },
      },
    ],
  });

  const routes: Record<string, (body: unknown) => Reply | Promise<Reply>> = {
    "GET /health": () => ({ status: 200, body: { status: "ok" } }),
    "GET /props": () => ({ status: 200, body: props() }),
    "POST /tokenize": tokenizeRoute,
    "POST /v1/completions": completion,
    "GET /v1/models": () => ({ status: 200, body: models() }),
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const method = request.method ?? "GET";
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    received.push({ method, path, headers: request.headers, body });
    // While loading, only the model list answers (server-http.cpp's server-state middleware).
    if (loading && path !== "/v1/models" && path !== "/models")
      return send(response, failure(503, "Loading model"));
    const route = routes[`${method} ${path}`];
    // cpp-httplib answers 404 to a path or a method it has no handler for.
    send(response, route ? await route(body) : failure(404, "File Not Found"));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, failure(500, String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    finishLoading: () => {
      loading = false;
    },
    setContextTokens: (tokens) => {
      contextTokens = tokens;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get maxQueued() {
      return maxQueued;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
