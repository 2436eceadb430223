/**
 * The TGI-native adapter: generation through TGI's `POST /` with the profile's schema as a JSON grammar,
 * limits from `GET /info`, exact token counts from `POST /tokenize`, readiness from `GET /health`.
 */
import type { TextGenerationInput } from "@huggingface/inference";
import { isPalimpsestError } from "../errors.js";
import type { AdapterDeps } from "./deps.js";
import { badResponse } from "./errors.js";
import { onceSuccessful } from "./once.js";
import type { EndpointInfo, FinishReason, GenerateRequest, GenerateResult, LlmEndpoint } from "./port.js";
import { isCount, isRecord } from "./shape.js";

const FINISH_REASONS: ReadonlySet<string> = new Set(["length", "eos_token", "stop_sequence"]);

function parseInfo(body: unknown, where: string): EndpointInfo {
  if (
    !isRecord(body) ||
    typeof body.model_id !== "string" ||
    !isCount(body.max_input_tokens) ||
    !isCount(body.max_total_tokens) ||
    !isCount(body.max_concurrent_requests)
  )
    throw badResponse(where, "GET /info is not TGI's Info (model_id, max_input_tokens, max_total_tokens...)");
  return {
    kind: "tgi",
    modelId: body.model_id,
    maxInputTokens: body.max_input_tokens,
    maxTotalTokens: body.max_total_tokens,
    maxConcurrentRequests: body.max_concurrent_requests,
    exactTokenCounts: true,
  };
}

interface GrammarRefusal {
  /** True for "grammar is not supported" (--disable-grammar-support): true of every later request too. */
  disabled: boolean;
  message: string;
  attempts: number;
}

/** A 422 turning the grammar down (router/src/validation.rs): disabled, or a schema TGI cannot compile. */
function grammarRefusal(error: unknown): GrammarRefusal | undefined {
  if (
    !isPalimpsestError(error) ||
    error.code !== "ENDPOINT_REJECTED" ||
    error.details?.upstreamStatus !== 422
  )
    return undefined;
  const message = String(error.details.upstreamMessage);
  if (!/grammar|schema/i.test(message)) return undefined;
  const disabled = message.includes("grammar is not supported");
  return { disabled, message, attempts: Number(error.details.attempts ?? 1) };
}

export class TgiEndpoint implements LlmEndpoint {
  private readonly deps: AdapterDeps;
  private grammarDisabled = false;

  constructor(deps: AdapterDeps) {
    this.deps = deps;
  }

  readonly info = onceSuccessful(async () => {
    const { transport, retry } = this.deps;
    const { value } = await retry((signal) => transport.get("/info", signal));
    return parseInfo(value, transport.baseUrl);
  });

  /** TGI's /health: 200 when the model is ready to serve, 503 `unhealthy` when it is down. */
  probe(signal?: AbortSignal): Promise<void> {
    return this.deps.probe("/health", signal);
  }

  async countTokens(text: string): Promise<number> {
    const { transport, retry } = this.deps;
    const { value } = await retry((signal) => transport.post("/tokenize", { inputs: text }, signal));
    if (!Array.isArray(value))
      throw badResponse(transport.baseUrl, "POST /tokenize did not answer a token list");
    return value.length;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    if (request.schema === undefined || this.grammarDisabled) return this.send(request, false, 0);
    try {
      return await this.send(request, true, 0);
    } catch (error) {
      const refusal = grammarRefusal(error);
      if (refusal === undefined) throw error;
      if (refusal.disabled) this.grammarDisabled = true;
      (request.log ?? this.deps.logger).warn(
        { upstreamMessage: refusal.message, forEveryRequest: refusal.disabled },
        "TGI refused the grammar; generating without it (the output is still validated)",
      );
      return this.send(request, false, refusal.attempts);
    }
  }

  private async send(
    request: GenerateRequest,
    grammar: boolean,
    attemptsSoFar: number,
  ): Promise<GenerateResult> {
    const { transport, retry } = this.deps;
    const parameters: TextGenerationInput["parameters"] = {
      max_new_tokens: request.maxNewTokens,
      // Greedy decoding: the same document gives the same entities.
      do_sample: false,
      // details.finish_reason is how we tell output cut at max_new_tokens from finished output.
      details: true,
      // POST / defaults this to true for text-generation models; we want only the answer.
      return_full_text: false,
      ...(request.stop?.length ? { stop: request.stop } : {}),
      ...(grammar ? { grammar: { type: "json", value: request.schema } } : {}),
    };
    const { value, attempts } = await retry(
      (signal) => transport.textGeneration({ inputs: request.prompt, parameters }, signal, request.requestId),
      request.signal,
      request.log,
    );
    const details = value.details;
    if (details === undefined || !FINISH_REASONS.has(details.finish_reason))
      throw badResponse(transport.baseUrl, "the generation came without details.finish_reason");
    return {
      text: value.generated_text,
      finishReason: details.finish_reason as FinishReason,
      grammarApplied: grammar,
      // TGI's body has no prompt token count (only an x-prompt-tokens header the library does not expose).
      generatedTokens: details.generated_tokens,
      attempts: attemptsSoFar + attempts,
    };
  }
}
