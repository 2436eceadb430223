/**
 * The context's sequences, lent one per generation. A sequence keeps the tokens it last evaluated, and
 * llama.cpp keeps their KV state: the next prompt that starts the same way (the profile's instructions and
 * examples, about 700 tokens) only evaluates what differs. So a free sequence is chosen by the longest
 * start it shares with the new prompt. Callers never outnumber the sequences: the endpoint's limiter
 * admits at most max_concurrent_requests, which is the number of sequences.
 */
import type { LlamaContext, LlamaContextSequence, Token } from "node-llama-cpp";

export function sharedStart(a: readonly Token[], b: readonly Token[]): number {
  const length = Math.min(a.length, b.length);
  let index = 0;
  while (index < length && a[index] === b[index]) index++;
  return index;
}

export class SequencePool {
  private readonly free: LlamaContextSequence[] = [];

  constructor(context: LlamaContext) {
    for (let index = 0; index < context.totalSequences; index++) this.free.push(context.getSequence());
  }

  /** The free sequence that already holds most of `tokens`. */
  take(tokens: readonly Token[]): LlamaContextSequence {
    if (this.free.length === 0)
      throw new Error("every sequence of the embedded model is busy (calls must go through the limiter)");
    let best = 0;
    let bestShared = -1;
    this.free.forEach((sequence, index) => {
      const shared = sharedStart(sequence.contextTokens, tokens);
      if (shared > bestShared) [best, bestShared] = [index, shared];
    });
    return this.free.splice(best, 1)[0] as LlamaContextSequence;
  }

  give(sequence: LlamaContextSequence): void {
    this.free.push(sequence);
  }
}
