/**
 * How the test server's "model" decodes: the respond() text is split into stand-in tokens and emitted one
 * by one until a stop sequence ends the text, max_new_tokens runs out, or the text is done (then EOS),
 * mirroring TGI's StoppingCriteria. Response shapes follow the bloom-560m snapshots.
 */
import type { GenerateParameters } from "./tgi-contract.js";
import { EOS_TOKEN, tokenize } from "./tgi-tokenizer.js";

export type FinishReason = "length" | "eos_token" | "stop_sequence";

export interface Token {
  id: number;
  text: string;
  logprob: number;
  special: boolean;
}

export interface Generation {
  /** Generated text, EOS excluded, stop sequence included (as TGI returns it). */
  text: string;
  finishReason: FinishReason;
  /** Generated tokens, EOS included: TGI counts it in generated_tokens. */
  tokens: Token[];
}

/** A made-up but stable log-probability, so snapshots of our responses do not change between runs. */
function logprob(id: number): number {
  return -((id % 997) / 100);
}

export function decode(output: string, maxNewTokens: number, stop: string[]): Generation {
  const tokens: Token[] = [];
  let text = "";
  for (const piece of tokenize(output)) {
    if (tokens.length === maxNewTokens) return { text, finishReason: "length", tokens };
    tokens.push({ id: piece.id, text: piece.text, logprob: logprob(piece.id), special: false });
    text += piece.text;
    // TGI's StopSequenceCriteria matches a stop sequence at the end of the text decoded so far.
    if (stop.some((sequence) => text.endsWith(sequence)))
      return { text, finishReason: "stop_sequence", tokens };
  }
  if (tokens.length === maxNewTokens) return { text, finishReason: "length", tokens };
  tokens.push({ id: EOS_TOKEN.id, text: EOS_TOKEN.text, logprob: 0, special: true });
  return { text, finishReason: "eos_token", tokens };
}

/** TGI's sampling switch: any warper turns sampling on. */
export function isSampling(p: GenerateParameters): boolean {
  return (
    p.do_sample || p.temperature !== null || p.top_k !== null || p.top_p !== null || p.typical_p !== null
  );
}

/** GenerateResponse of POST /generate (and, wrapped in an array, POST /). */
export function generateResponse(
  inputs: string,
  parameters: GenerateParameters,
  generation: Generation,
  returnFullText: boolean,
): Record<string, unknown> {
  const generatedText = returnFullText ? inputs + generation.text : generation.text;
  if (!parameters.details && !parameters.decoder_input_details) return { generated_text: generatedText };
  const prefill = parameters.decoder_input_details
    ? tokenize(inputs).map((token, index) => ({
        id: token.id,
        text: token.text,
        logprob: index === 0 ? null : logprob(token.id),
      }))
    : [];
  return {
    generated_text: generatedText,
    details: {
      finish_reason: generation.finishReason,
      generated_tokens: generation.tokens.length,
      // TGI draws a seed for every request but only reports it when sampling.
      seed: isSampling(parameters) ? (parameters.seed ?? Math.floor(Math.random() * 2 ** 32)) : null,
      prefill,
      tokens: generation.tokens,
    },
  };
}
