/**
 * One generation on one sequence: the prompt's tokens are laid over what the sequence already holds (only
 * the part that differs is evaluated), then tokens are sampled one at a time, under the grammar when there
 * is one, until the end-of-sequence token, a stop string, the token budget or an abort.
 */
import {
  type LlamaContextSequence,
  type LlamaGrammar,
  LlamaGrammarEvaluationState,
  type Token,
} from "node-llama-cpp";
import type { FinishReason } from "../port.js";
import { TokenTextDecoder } from "./token-bytes.js";

export interface TokenGeneration {
  sequence: LlamaContextSequence;
  prompt: readonly Token[];
  maxNewTokens: number;
  grammar?: LlamaGrammar;
  stop?: readonly string[];
  vocabulary: readonly string[];
  signal?: AbortSignal;
  /** 0 (the default): greedy, the same document gives the same entities. */
  temperature?: number;
  seed?: number;
}

export interface GeneratedText {
  text: string;
  finishReason: FinishReason;
  generatedTokens: number;
  /** Prompt tokens that were already in the sequence and not evaluated again. */
  reusedTokens: number;
}

/** Where the first stop string starts in `text`, or -1. */
function stopAt(text: string, stop: readonly string[]): number {
  let first = -1;
  for (const candidate of stop) {
    const at = text.indexOf(candidate);
    if (at !== -1 && (first === -1 || at < first)) first = at;
  }
  return first;
}

export async function generateTokens(request: TokenGeneration): Promise<GeneratedText> {
  const { sequence, prompt, signal } = request;
  const model = sequence.model;
  signal?.throwIfAborted();
  // At least the last prompt token is evaluated: its logits give the first answer token.
  const kept = prompt.slice(0, -1);
  await sequence.adaptStateToTokens([...kept], false);
  const reusedTokens = sequence.nextTokenIndex;
  signal?.throwIfAborted();
  const decoder = new TokenTextDecoder(request.vocabulary, (token) => model.isSpecialToken(token as Token));
  const grammarEvaluationState = request.grammar
    ? new LlamaGrammarEvaluationState({ model, grammar: request.grammar })
    : undefined;
  let generatedTokens = 0;
  let finishReason: FinishReason = "length";
  let text = "";
  const iterator = sequence.evaluate(prompt.slice(reusedTokens), {
    temperature: request.temperature ?? 0,
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    ...(grammarEvaluationState ? { grammarEvaluationState } : {}),
    yieldEogToken: true,
  });
  for await (const token of iterator) {
    signal?.throwIfAborted();
    if (model.isEogToken(token)) {
      finishReason = "eos_token";
      break;
    }
    generatedTokens++;
    text = decoder.push([token]);
    const stopped = request.stop ? stopAt(text, request.stop) : -1;
    if (stopped !== -1) {
      text = text.slice(0, stopped);
      finishReason = "stop_sequence";
      break;
    }
    if (generatedTokens >= request.maxNewTokens) break;
  }
  if (finishReason !== "stop_sequence") text = decoder.finish();
  return { text, finishReason, generatedTokens, reusedTokens };
}
