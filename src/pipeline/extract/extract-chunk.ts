/**
 * Asks the model about one chunk and turns its answer into schema-valid items.
 *
 * What can go wrong with a model answer, and what is done about it:
 * - the prompt is too long for the server (422): the chunk is split in two and each half asked;
 * - the answer was cut at the output budget (finish_reason "length"): the budget is raised up to what
 *   the server allows; past that the chunk is split; truncated JSON is never accepted;
 * - the answer is not JSON or breaks the schema: the model is asked again with the errors (bounded),
 *   the best answer is kept, its invalid items are reported as rejected.
 */

import type { EndpointInfo, GenerateResult, LlmEndpoint } from "../../endpoint/port.js";
import { isPalimpsestError } from "../../errors.js";
import type { Log } from "../../logger.js";
import type { Profile } from "../../profiles/profile.js";
import { middleCut } from "../chunk/segments.js";
import type { Chunk, ModelItem, RejectedItem } from "../types.js";
import { parseModelOutput } from "./parse-output.js";
import { buildPrompt, STOP_SEQUENCES } from "./prompt.js";
import { validateOutput } from "./validate-output.js";

export interface ExtractContext {
  endpoint: LlmEndpoint;
  info: EndpointInfo;
  profile: Profile;
  language?: string;
  maxNewTokens: number;
  reasks: number;
  signal?: AbortSignal;
  /** The request the document is processed for, and its logger: passed with each model call. */
  requestId?: string | undefined;
  log?: Log;
  stats: ExtractStats;
  /** Gives the next free chunk index to the halves of a split chunk. */
  nextChunkIndex: () => number;
}

export interface ExtractStats {
  modelCalls: number;
  retries: number;
  reasks: number;
  splits: number;
  promptTokens: number;
  outputTokens: number;
  grammarApplied: boolean;
}

export interface ChunkAnswer {
  chunk: Chunk;
  items: ModelItem[];
  rejected: RejectedItem[];
}

export function emptyExtractStats(): ExtractStats {
  return {
    modelCalls: 0,
    retries: 0,
    reasks: 0,
    splits: 0,
    promptTokens: 0,
    outputTokens: 0,
    grammarApplied: true,
  };
}

/** Chunks shorter than this are not split further: the problem is not their length. */
const MIN_SPLITTABLE_CHARS = 40;

export async function extractChunk(chunk: Chunk, context: ExtractContext): Promise<ChunkAnswer[]> {
  try {
    return [await askWithReasks(chunk, context)];
  } catch (error) {
    if (!(error instanceof NeedsSplit)) throw error;
    if (chunk.text.length < MIN_SPLITTABLE_CHARS) {
      return [
        {
          chunk,
          items: [],
          rejected: [{ reason: error.reason, message: error.message, item: null, chunk: chunk.index }],
        },
      ];
    }
    context.stats.splits++;
    const halves = split(chunk, context);
    const answers = await Promise.all(halves.map((half) => extractChunk(half, context)));
    return answers.flat();
  }
}

/** The chunk is too long for the server's input or output limits. */
class NeedsSplit extends Error {
  readonly reason = "truncated_output";
}

async function askWithReasks(chunk: Chunk, context: ExtractContext): Promise<ChunkAnswer> {
  let best: { items: ModelItem[]; rejected: RejectedItem[] } | undefined;
  let feedback: { previousOutput: string; errors: string[] } | undefined;
  for (let attempt = 0; attempt <= context.reasks; attempt++) {
    if (attempt > 0) context.stats.reasks++;
    const prompt = buildPrompt(context.profile, chunk.text, { language: context.language, feedback });
    let result: GenerateResult;
    try {
      result = await generateUntruncated(prompt, context);
    } catch (error) {
      // A re-ask carries the previous answer and may no longer fit: keep the best answer so far.
      if (attempt > 0 && error instanceof NeedsSplit) break;
      throw error;
    }
    const judged = judge(result, chunk, context.profile);
    if (
      !best ||
      judged.items.length > best.items.length ||
      (judged.items.length === best.items.length && judged.errors.length === 0)
    ) {
      best = { items: judged.items, rejected: judged.rejected };
    }
    if (judged.errors.length === 0) break;
    feedback = { previousOutput: result.text, errors: judged.errors };
  }
  return { chunk, items: best?.items ?? [], rejected: best?.rejected ?? [] };
}

/** Parses and validates one answer; `errors` are what a re-ask tells the model. */
function judge(result: GenerateResult, chunk: Chunk, profile: Profile) {
  const parsed = parseModelOutput(result.text, { grammarApplied: result.grammarApplied });
  if (!parsed.ok) {
    const message = `The model's answer is not JSON: ${parsed.error}`;
    return {
      items: [] as ModelItem[],
      rejected: [{ reason: "unparseable_output" as const, message, item: result.text, chunk: chunk.index }],
      errors: [message],
    };
  }
  const validated = validateOutput(profile, parsed.value);
  const rejected: RejectedItem[] = validated.invalid.map((invalid) => ({
    reason: "schema_invalid",
    message: `Does not match the profile "${profile.name}": ${invalid.errors.join("; ")}`,
    item: invalid.item,
    chunk: chunk.index,
  }));
  // A re-ask names the item each error is about, so the model can mend that one.
  const itemErrors = validated.invalid.flatMap((invalid) =>
    invalid.errors.map((error) => `entities[${invalid.index}]: ${error}`),
  );
  return { items: validated.items, rejected, errors: [...validated.errors, ...itemErrors] };
}

/**
 * One model call whose output is complete: a "length" finish raises the output budget up to what the
 * server's max_total_tokens leaves; when nothing is left, the chunk must be split.
 */
async function generateUntruncated(prompt: string, context: ExtractContext): Promise<GenerateResult> {
  let maxNewTokens = context.maxNewTokens;
  let promptTokens: number | undefined;
  for (;;) {
    const result = await generate(prompt, maxNewTokens, context);
    // TGI does not say what a prompt cost; its tokenizer does, for the stats and the budget below.
    promptTokens ??= result.promptTokens ?? (await context.endpoint.countTokens(prompt));
    context.stats.promptTokens += promptTokens;
    if (result.finishReason !== "length") return result;
    const room = context.info.maxTotalTokens - promptTokens;
    if (room <= maxNewTokens) {
      throw new NeedsSplit(
        `The model's answer did not fit in ${maxNewTokens} tokens even for this short passage; it was dropped rather than read incomplete.`,
      );
    }
    maxNewTokens = Math.min(room, maxNewTokens * 2);
  }
}

async function generate(
  prompt: string,
  maxNewTokens: number,
  context: ExtractContext,
): Promise<GenerateResult> {
  try {
    const result = await context.endpoint.generate({
      prompt,
      maxNewTokens,
      schema: context.profile.schema,
      // Without a grammar, base BLOOM goes on to write the next document block after its answer.
      stop: STOP_SEQUENCES,
      signal: context.signal,
      ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
      ...(context.log === undefined ? {} : { log: context.log }),
    });
    const stats = context.stats;
    stats.modelCalls++;
    stats.retries += result.attempts - 1;
    stats.outputTokens += result.generatedTokens ?? 0;
    if (!result.grammarApplied) stats.grammarApplied = false;
    return result;
  } catch (error) {
    if (isPalimpsestError(error) && error.code === "INPUT_TOO_LONG") {
      throw new NeedsSplit("The passage was too long for the model server even after splitting.");
    }
    throw error;
  }
}

function split(chunk: Chunk, context: ExtractContext): Chunk[] {
  const cut = middleCut(chunk.text, 0, chunk.text.length, context.language);
  return [
    {
      index: context.nextChunkIndex(),
      text: chunk.text.slice(0, cut),
      start: chunk.start,
      end: chunk.start + cut,
    },
    {
      index: context.nextChunkIndex(),
      text: chunk.text.slice(cut),
      start: chunk.start + cut,
      end: chunk.end,
    },
  ];
}
