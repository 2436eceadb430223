/**
 * BLOOM in this process: llama.cpp's prebuilt CPU binary (shipped inside the npm package, never compiled
 * or downloaded), one model, one context with a fixed number of sequences. Everything native stays here.
 */
import { availableParallelism } from "node:os";
import { getLlama, type Llama, type LlamaContext, LlamaLogLevel, type LlamaModel } from "node-llama-cpp";
import type { BaseLogger } from "pino";
import { PalimpsestError } from "../../errors.js";

export interface RuntimeOptions {
  modelPath: string;
  /** Prompt plus answer, in tokens (BLOOM was trained on 2048). */
  contextSize: number;
  /** Prompts worked on at once; each sequence keeps its own prompt prefix. */
  sequences: number;
  /** CPU threads; unset: the CPUs this process may use. */
  threads?: number;
  logger: Pick<BaseLogger, "debug" | "warn">;
}

export interface Runtime {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  /** Each token's vocabulary entry (GPT-2 byte-level spelling), for byte-exact decoding. */
  vocabulary: readonly string[];
  threads: number;
}

let sharedLlama: Promise<Llama> | undefined;

/**
 * One llama.cpp binding per process. `gpu: false`: the CPU binary is the one every install has; `build:
 * "never"`: a missing binary is an error at start, not a compile of llama.cpp on the user's machine.
 */
function loadLlama(logger: RuntimeOptions["logger"]): Promise<Llama> {
  sharedLlama ??= getLlama({
    gpu: false,
    build: "never",
    progressLogs: false,
    // 0: a context's `threads` is the number used, not a hint capped by a library default.
    maxThreads: 0,
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      const line = message.trim();
      if (line === "") return;
      if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal || level === LlamaLogLevel.warn)
        logger.warn({ llama: line }, "llama.cpp");
      else logger.debug({ llama: line }, "llama.cpp");
    },
  }).catch((error: unknown) => {
    sharedLlama = undefined;
    throw new PalimpsestError(
      "MODEL_NOT_AVAILABLE",
      `llama.cpp's prebuilt CPU binary could not be loaded (${(error as Error).message}). Reinstall with "npm ci" so that the package @node-llama-cpp/linux-x64 (or your platform's) is installed, or set BLOOM_ENDPOINT_URL to a model server.`,
    );
  });
  return sharedLlama;
}

function vocabularyOf(model: LlamaModel): string[] {
  const tokens = (model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: unknown } } }).tokenizer?.ggml
    ?.tokens;
  if (!Array.isArray(tokens) || !tokens.every((token) => typeof token === "string"))
    throw new PalimpsestError(
      "MODEL_INVALID",
      `The model file ${model.filename ?? ""} has no tokenizer.ggml.tokens list; its answers could not be decoded.`,
    );
  return tokens;
}

export async function loadRuntime(options: RuntimeOptions): Promise<Runtime> {
  const llama = await loadLlama(options.logger);
  const threads = options.threads ?? availableParallelism();
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0 });
  } catch (error) {
    throw new PalimpsestError(
      "MODEL_INVALID",
      `llama.cpp could not load ${options.modelPath}: ${(error as Error).message}. Delete the file to download it again, or set BLOOM_MODEL to another BLOOM GGUF.`,
    );
  }
  try {
    const context = await model.createContext({
      contextSize: options.contextSize,
      sequences: options.sequences,
      threads,
      // Every sequence's prompt is evaluated in one batch; a chunk prompt is well under 2048 tokens.
      batchSize: Math.min(options.contextSize, 2048),
    });
    return { llama, model, context, vocabulary: vocabularyOf(model), threads };
  } catch (error) {
    await model.dispose();
    if (error instanceof PalimpsestError) throw error;
    throw new PalimpsestError(
      "MODEL_INVALID",
      `llama.cpp could not make a ${options.contextSize}-token context with ${options.sequences} sequence(s) for ${options.modelPath}: ${(error as Error).message}. Lower EMBEDDED_SEQUENCES or EMBEDDED_CONTEXT.`,
    );
  }
}
