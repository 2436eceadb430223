/**
 * The adapter for llama.cpp's own server (llama-server), which serves BLOOM from GGUF files: limits from
 * `GET /props`, exact token counts from `POST /tokenize`, generation through `POST /v1/completions` with the
 * profile's schema as `json_schema` (llama.cpp turns it into a grammar itself), readiness from `GET /health`.
 */
import { isPalimpsestError } from "../errors.js";
import type { AdapterDeps } from "./deps.js";
import { badResponse } from "./errors.js";
import { onceSuccessful } from "./once.js";
import type { EndpointInfo, FinishReason, GenerateRequest, GenerateResult, LlmEndpoint } from "./port.js";
import { isCount, isRecord } from "./shape.js";

/**
 * The model's name: the `--alias` the server was started with, else the file name of its `-m` model. Not the
 * whole path: that says where the file sits on one machine, and the name is recorded with every result.
 */
function modelName(props: Record<string, unknown>): string | undefined {
  if (typeof props.model_alias === "string" && props.model_alias !== "") return props.model_alias;
  if (typeof props.model_path === "string") return props.model_path.split(/[\\/]/).at(-1) || undefined;
  return undefined;
}

function parseProps(body: unknown, where: string): EndpointInfo {
  const settings = isRecord(body) ? body.default_generation_settings : undefined;
  // n_ctx is the context of one slot (-c divided among the --parallel slots), the one a request gets.
  const contextTokens = isRecord(settings) ? settings.n_ctx : undefined;
  const slots = isRecord(body) ? body.total_slots : undefined;
  const modelId = isRecord(body) ? modelName(body) : undefined;
  if (!isCount(contextTokens) || contextTokens < 2 || !isCount(slots) || slots < 1 || modelId === undefined)
    throw badResponse(
      where,
      "GET /props is not llama.cpp's (default_generation_settings.n_ctx, total_slots, model_path)",
    );
  return {
    kind: "llamacpp",
    modelId,
    // The server refuses a prompt of n_ctx tokens or more (exceed_context_size_error): one must stay free.
    maxInputTokens: contextTokens - 1,
    maxTotalTokens: contextTokens,
    // More requests than slots wait in the server's queue; we keep them in ours (limiter.ts) instead.
    maxConcurrentRequests: slots,
    exactTokenCounts: true,
  };
}

/**
 * llama.cpp's OpenAI route answers "stop" both at the end-of-sequence token and at a stop string (which it
 * leaves out of the text), so "stop" means the end of sequence only when no stop string was asked for.
 */
function finishReason(reason: "stop" | "length", stopStrings: boolean): FinishReason {
  if (reason === "length") return "length";
  return stopStrings ? "unknown" : "eos_token";
}

/** A 400 saying llama.cpp could not turn the schema into a grammar (`"json_schema": JSON schema conversion failed`). */
function schemaRefusal(error: unknown): { message: string; attempts: number } | undefined {
  if (
    !isPalimpsestError(error) ||
    error.code !== "ENDPOINT_REJECTED" ||
    error.details?.upstreamStatus !== 400
  )
    return undefined;
  const message = String(error.details.upstreamMessage);
  if (!/json_schema|JSON schema/.test(message)) return undefined;
  return { message, attempts: Number(error.details.attempts ?? 1) };
}

export class LlamaCppEndpoint implements LlmEndpoint {
  private readonly deps: AdapterDeps;
  /** Schemas (as JSON) this server could not convert: they fail the same way every time, so they are not sent again. */
  private readonly unconvertible = new Set<string>();

  constructor(deps: AdapterDeps) {
    this.deps = deps;
  }

  readonly info = onceSuccessful(async () => {
    const { transport, retry } = this.deps;
    const { value } = await retry((signal) => transport.get("/props", signal));
    return parseProps(value, transport.baseUrl);
  });

  /** llama.cpp's /health: 200 once the model is loaded, 503 "Loading model" before. */
  probe(signal?: AbortSignal): Promise<void> {
    return this.deps.probe("/health", signal);
  }

  /**
   * A completion's prompt is tokenized with the model's special tokens (a BOS token where the GGUF asks for
   * one; BLOOM's usually do not), while /tokenize leaves them out unless `add_special` is set: with it, a
   * whole prompt is counted at what it really costs, and a piece of one at most one token over.
   */
  async countTokens(text: string): Promise<number> {
    const { transport, retry } = this.deps;
    const { value } = await retry((signal) =>
      transport.post("/tokenize", { content: text, add_special: true }, signal),
    );
    if (!isRecord(value) || !Array.isArray(value.tokens))
      throw badResponse(transport.baseUrl, "POST /tokenize did not answer {tokens}");
    return value.tokens.length;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const schemaKey = request.schema === undefined ? undefined : JSON.stringify(request.schema);
    if (schemaKey === undefined || this.unconvertible.has(schemaKey)) return this.send(request, false, 0);
    try {
      return await this.send(request, true, 0);
    } catch (error) {
      const refusal = schemaRefusal(error);
      if (refusal === undefined) throw error;
      this.unconvertible.add(schemaKey);
      (request.log ?? this.deps.logger).warn(
        { upstreamMessage: refusal.message },
        "llama.cpp cannot turn the profile's schema into a grammar; generating without it (the output is still validated)",
      );
      return this.send(request, false, refusal.attempts);
    }
  }

  private async send(
    request: GenerateRequest,
    withSchema: boolean,
    attemptsSoFar: number,
  ): Promise<GenerateResult> {
    const { transport, retry } = this.deps;
    const stopStrings = (request.stop?.length ?? 0) > 0;
    const body = {
      prompt: request.prompt,
      max_tokens: request.maxNewTokens,
      // Greedy decoding (llama.cpp keeps only the most likely token at temperature 0): the same document
      // gives the same entities.
      temperature: 0,
      ...(stopStrings ? { stop: request.stop } : {}),
      ...(withSchema ? { json_schema: request.schema } : {}),
    };
    const { value, attempts } = await retry(
      (signal) => transport.post("/v1/completions", body, signal, request.requestId),
      request.signal,
      request.log,
    );
    const choice = isRecord(value) && Array.isArray(value.choices) ? value.choices[0] : undefined;
    if (
      !isRecord(choice) ||
      typeof choice.text !== "string" ||
      (choice.finish_reason !== "stop" && choice.finish_reason !== "length")
    )
      throw badResponse(
        transport.baseUrl,
        "POST /v1/completions answered without choices[0].text and finish_reason",
      );
    const usage = isRecord(value) && isRecord(value.usage) ? value.usage : {};
    return {
      text: choice.text,
      finishReason: finishReason(choice.finish_reason, stopStrings),
      // llama.cpp constrains decoding with the grammar it built from json_schema, or refuses the request.
      grammarApplied: withSchema,
      ...(isCount(usage.prompt_tokens) ? { promptTokens: usage.prompt_tokens } : {}),
      ...(isCount(usage.completion_tokens) ? { generatedTokens: usage.completion_tokens } : {}),
      attempts: attemptsSoFar + attempts,
    };
  }
}
