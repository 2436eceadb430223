/**
 * BLOOM embedded in the process (llama.cpp through node-llama-cpp), behind the same port as the model
 * servers: limits like TGI's /info, exact token counts from the model's own tokenizer, generation under
 * the profile's grammar, a prompt that does not fit refused as INPUT_TOO_LONG (the library would silently
 * drop its start), readiness that says what is happening while the model downloads or loads.
 */
import type { Token } from "node-llama-cpp";
import { isPalimpsestError, PalimpsestError } from "../../errors.js";
import type { EndpointInfo, GenerateRequest, GenerateResult, LlmEndpoint } from "../port.js";
import { generateTokens } from "./generate-tokens.js";
import { GrammarCache } from "./grammars.js";
import type { ModelHost } from "./model-host.js";
import type { Runtime } from "./runtime.js";
import { SequencePool } from "./sequence-pool.js";

export interface EmbeddedEndpointOptions {
  host: ModelHost;
  /** What results record as the model: the BLOOM_MODEL reference. */
  modelId: string;
}

interface Loaded {
  runtime: Runtime;
  pool: SequencePool;
  grammars: GrammarCache;
}

export class EmbeddedEndpoint implements LlmEndpoint {
  private loaded: Promise<Loaded> | undefined;

  constructor(private readonly options: EmbeddedEndpointOptions) {}

  private load(): Promise<Loaded> {
    this.loaded ??= this.options.host.ready().then(
      (runtime) => ({
        runtime,
        pool: new SequencePool(runtime.context),
        grammars: new GrammarCache(runtime.llama),
      }),
      (error: unknown) => {
        // Not kept: the next call tries again (the network may be back, the file replaced).
        this.loaded = undefined;
        throw error;
      },
    );
    return this.loaded;
  }

  async info(): Promise<EndpointInfo> {
    const { runtime } = await this.load();
    const contextSize = runtime.context.contextSize;
    return {
      kind: "embedded",
      modelId: this.options.modelId,
      // Prompt and answer share the context; at least one token must be left for the answer.
      maxInputTokens: contextSize - 1,
      maxTotalTokens: contextSize,
      maxConcurrentRequests: runtime.context.totalSequences,
      exactTokenCounts: true,
    };
  }

  async countTokens(text: string): Promise<number> {
    const { runtime } = await this.load();
    return runtime.model.tokenize(text).length;
  }

  async probe(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.options.host.check();
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const { runtime, pool, grammars } = await this.load();
    const prompt = this.promptTokens(runtime, request);
    const grammar = request.schema ? await grammars.get(request.schema) : undefined;
    const sequence = pool.take(prompt);
    try {
      const generated = await generateTokens({
        sequence,
        prompt,
        maxNewTokens: request.maxNewTokens,
        vocabulary: runtime.vocabulary,
        ...(grammar ? { grammar } : {}),
        ...(request.stop ? { stop: request.stop } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
      return {
        text: generated.text,
        finishReason: generated.finishReason,
        grammarApplied: grammar !== undefined,
        promptTokens: prompt.length,
        generatedTokens: generated.generatedTokens,
        attempts: 1,
      };
    } catch (error) {
      if (request.signal?.aborted || isPalimpsestError(error)) throw error;
      throw new PalimpsestError("ENDPOINT_FAILED", `The embedded model failed: ${(error as Error).message}`);
    } finally {
      pool.give(sequence);
    }
  }

  /** The prompt's tokens, refused like TGI's 422 when prompt and answer would not fit in the context. */
  private promptTokens(runtime: Runtime, request: GenerateRequest): Token[] {
    const { model, context } = runtime;
    const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
    const tokens = [...(bos === null ? [] : [bos]), ...model.tokenize(request.prompt)];
    const contextSize = context.contextSize;
    if (tokens.length >= contextSize || tokens.length + request.maxNewTokens > contextSize)
      throw new PalimpsestError(
        "INPUT_TOO_LONG",
        `The prompt has ${tokens.length} tokens and asks for ${request.maxNewTokens} more; the embedded model's context holds ${contextSize} (EMBEDDED_CONTEXT).`,
        { details: { promptTokens: tokens.length, contextTokens: contextSize } },
      );
    return tokens;
  }
}
