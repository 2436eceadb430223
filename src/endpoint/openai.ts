/**
 * The adapter for OpenAI-compatible servers (vLLM, llama.cpp's server, TGI's /v1 routes): plain text
 * completion through `POST /v1/completions` (BLOOM has no chat template), limits from `GET /v1/models`,
 * readiness from the same route (the one every such server has).
 */
import type { AdapterDeps } from "./deps.js";
import { badResponse } from "./errors.js";
import { onceSuccessful } from "./once.js";
import type { EndpointInfo, FinishReason, GenerateRequest, GenerateResult, LlmEndpoint } from "./port.js";
import { isCount, isRecord } from "./shape.js";

export interface OpenAiDeps extends AdapterDeps {
  /** BLOOM_MODEL: the model asked for, when the server serves several. */
  model: string;
  /** MODEL_CONCURRENCY, reported as the server's limit (these servers queue instead of announcing one). */
  concurrency: number;
}

/** BLOOM was trained on 2048-token sequences; a server that does not say its context length gets this. */
const DEFAULT_CONTEXT_TOKENS = 2048;

/**
 * Characters per BLOOM token, for budgets without a tokenizer (these servers have no /tokenize we can rely
 * on). Calibration: TGI's real bloom-560m snapshot tokenizes "Pour déguster un ortolan, il faut tout
 * d'abord" (46 characters) into 11 tokens, 4.2 characters a token, typical of BLOOM's byte-level BPE on
 * modern French or Spanish. Historical text tokenizes worse (old spellings, long s, abbreviations, OCR noise
 * and numbers split into more pieces), so we count 3: 16 estimated for those 11, headroom for worse text.
 * Overestimating only makes chunks smaller; an underestimate is refused as INPUT_TOO_LONG and split again.
 */
export const CHARS_PER_TOKEN = 3;

export function estimateTokens(text: string): number {
  // Code points, not UTF-16 units: "ſ" and "𝔄" are one character each to the tokenizer.
  let characters = 0;
  for (const _ of text) characters++;
  return Math.ceil(characters / CHARS_PER_TOKEN);
}

/**
 * OpenAI's finish_reason: "length" when cut at max_tokens; "stop" for both the end-of-sequence token and a
 * stop string, which vLLM tells apart with `stop_reason` (the string, or null at EOS). TGI's /v1 route
 * also answers "stop_sequence"; "eos_token" is kept for servers that pass TGI's names through.
 */
function finishReason(choice: Record<string, unknown>): FinishReason {
  switch (choice.finish_reason) {
    case "length":
      return "length";
    case "stop":
      return typeof choice.stop_reason === "string" ? "stop_sequence" : "eos_token";
    case "stop_sequence":
    case "eos_token":
      return choice.finish_reason;
    default:
      return "unknown";
  }
}

export class OpenAiEndpoint implements LlmEndpoint {
  private readonly deps: OpenAiDeps;

  constructor(deps: OpenAiDeps) {
    this.deps = deps;
  }

  readonly info = onceSuccessful(async (): Promise<EndpointInfo> => {
    const { transport, retry, logger, model } = this.deps;
    const { value } = await retry((signal) => transport.get("/v1/models", signal));
    const cards = isRecord(value) && Array.isArray(value.data) ? value.data.filter(isRecord) : [];
    const card = cards.find((entry) => entry.id === model) ?? cards[0];
    if (card === undefined || typeof card.id !== "string")
      throw badResponse(transport.baseUrl, "GET /v1/models listed no model");
    if (card.id !== model)
      logger.warn({ requested: model, served: card.id }, "BLOOM_MODEL is not served; using the served model");
    // vLLM reports the context it serves with as max_model_len; llama.cpp and TGI do not.
    const maxTotalTokens =
      isCount(card.max_model_len) && card.max_model_len > 1 ? card.max_model_len : DEFAULT_CONTEXT_TOKENS;
    return {
      kind: "openai",
      modelId: card.id,
      // Prompt and answer share the context; at least one token must be left for the answer.
      maxInputTokens: maxTotalTokens - 1,
      maxTotalTokens,
      maxConcurrentRequests: this.deps.concurrency,
      exactTokenCounts: false,
    };
  });

  probe(signal?: AbortSignal): Promise<void> {
    return this.deps.probe("/v1/models", signal);
  }

  async countTokens(text: string): Promise<number> {
    return estimateTokens(text);
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const { transport, retry } = this.deps;
    const { modelId } = await this.info();
    const body = {
      model: modelId,
      prompt: request.prompt,
      max_tokens: request.maxNewTokens,
      // Greedy decoding on every one of these servers.
      temperature: 0,
      ...(request.stop?.length ? { stop: request.stop } : {}),
      // The schema in the fields that constrain decoding: vLLM's guided_json, llama.cpp's json_schema.
      ...(request.schema ? { guided_json: request.schema, json_schema: request.schema } : {}),
    };
    const { value, attempts } = await retry(
      (signal) => transport.post("/v1/completions", body, signal, request.requestId),
      request.signal,
      request.log,
    );
    const choice = isRecord(value) && Array.isArray(value.choices) ? value.choices[0] : undefined;
    if (!isRecord(choice) || typeof choice.text !== "string")
      throw badResponse(transport.baseUrl, "POST /v1/completions answered without choices[0].text");
    const usage = isRecord(value) && isRecord(value.usage) ? value.usage : {};
    return {
      text: choice.text,
      finishReason: finishReason(choice),
      // Unknown fields are ignored silently by these servers (TGI's /v1/completions drops both, vLLM >= 0.12
      // reads only `structured_outputs`), so we cannot tell whether the schema constrained anything.
      grammarApplied: false,
      ...(isCount(usage.prompt_tokens) ? { promptTokens: usage.prompt_tokens } : {}),
      ...(isCount(usage.completion_tokens) ? { generatedTokens: usage.completion_tokens } : {}),
      attempts,
    };
  }
}
