/**
 * Speed and memory of BLOOM embedded in the process, measured on a random-weight GGUF with
 * bloomz-560m's sizes (24 layers x 1024, 16 heads, 250,880-token vocabulary, Q8_0), written here first.
 * Random weights give the speed and memory of the real model, not its answers; under a grammar they also
 * pick refused tokens far more often than trained weights would, so the grammar figures are a worst case.
 *
 * A chunk is what the pipeline sends: the default profile's fixed prefix (instructions and examples, cut
 * to PREFIX tokens) then CHUNK tokens of a French HIPE newspaper, then up to ANSWER generated tokens.
 * "With prefix reuse" runs chunks one after another on one sequence (only the chunk is evaluated);
 * "without" clears the sequence first, as a server that re-reads the whole prompt does.
 *
 *   npx tsx bench/embedded.ts      Environment: THREADS (default: CPUs), SAMPLES (default 5),
 *                                  PREFIX (700), CHUNK (800), ANSWER (150), MODEL (an existing GGUF to use).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { LlamaContextSequence, LlamaGrammar, Token } from "node-llama-cpp";
import { generateTokens } from "../src/endpoint/embedded/generate-tokens.js";
import { loadRuntime, type Runtime } from "../src/endpoint/embedded/runtime.js";
import { jsonSchemaToGbnf } from "../src/grammar/index.js";
import { buildPrompt } from "../src/pipeline/extract/prompt.js";
import { loadProfiles } from "../src/profiles/registry.js";
import { HIPE_2020, parseHipe } from "../test/support/hipe.js";
import { BLOOMZ_560M_SHAPE, writeTinyBloomGguf } from "../test/support/tiny-bloom-gguf.js";

const THREADS = Number(process.env.THREADS ?? availableParallelism());
const SAMPLES = Number(process.env.SAMPLES ?? 5);
const PREFIX = Number(process.env.PREFIX ?? 700);
const CHUNK = Number(process.env.CHUNK ?? 800);
const ANSWER = Number(process.env.ANSWER ?? 150);
const MiB = 1024 * 1024;
const silent = { debug: () => {}, warn: () => {}, info: () => {} };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The default profile's prompt prefix and SAMPLES different chunks of French newspaper text, as tokens. */
async function promptPieces(runtime: Runtime): Promise<{ prefix: Token[]; chunks: Token[][] }> {
  const profile = (await loadProfiles()).get("default");
  const prompt = buildPrompt(profile, "", { language: "fr" });
  const prefix = runtime.model.tokenize(prompt).slice(0, PREFIX);
  if (prefix.length < PREFIX) throw new Error(`the prompt has only ${prefix.length} tokens; lower PREFIX`);
  const newspaper = parseHipe(join(HIPE_2020, "HIPE-data-v1.4-dev-fr.tsv"))
    .map((document) => document.text)
    .join("\n\n");
  const tokens = runtime.model.tokenize(newspaper);
  const chunks = Array.from({ length: SAMPLES }, (_, n) => tokens.slice(n * CHUNK, (n + 1) * CHUNK));
  if (chunks.some((chunk) => chunk.length < CHUNK)) throw new Error("not enough newspaper text; lower CHUNK");
  return { prefix, chunks };
}

async function timedChunk(
  runtime: Runtime,
  sequence: LlamaContextSequence,
  prompt: Token[],
  grammar: LlamaGrammar | undefined,
) {
  const start = performance.now();
  const result = await generateTokens({
    sequence,
    prompt,
    maxNewTokens: ANSWER,
    vocabulary: runtime.vocabulary,
    ...(grammar ? { grammar } : {}),
  });
  return { ms: performance.now() - start, ...result };
}

/** Prompt tokens per second: the whole prompt evaluated on a cleared sequence, one token generated. */
async function promptSpeed(runtime: Runtime, sequence: LlamaContextSequence, prompts: Token[][]) {
  const rates: number[] = [];
  for (const prompt of prompts) {
    await sequence.clearHistory();
    const start = performance.now();
    await generateTokens({ sequence, prompt, maxNewTokens: 1, vocabulary: runtime.vocabulary });
    rates.push(prompt.length / ((performance.now() - start) / 1000));
  }
  return median(rates);
}

/** Generated tokens per second after the prompt: the same chunk timed with 1 and with ANSWER tokens. */
async function generationSpeed(
  runtime: Runtime,
  sequence: LlamaContextSequence,
  prompt: Token[],
  grammar: LlamaGrammar | undefined,
) {
  const rates: number[] = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    await sequence.clearHistory();
    await generateTokens({ sequence, prompt, maxNewTokens: 1, vocabulary: runtime.vocabulary });
    const timed = await timedChunk(runtime, sequence, prompt, grammar);
    rates.push(timed.generatedTokens / (timed.ms / 1000));
  }
  return median(rates);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "palimpsest-bench-"));
  try {
    let modelPath = process.env.MODEL;
    if (modelPath === undefined) {
      modelPath = join(dir, "bloomz-560m-shaped.q8_0.gguf");
      const start = performance.now();
      const written = await writeTinyBloomGguf(modelPath, BLOOMZ_560M_SHAPE);
      console.log(
        `model: random weights, bloomz-560m shape, Q8_0, ${(written.bytes / MiB).toFixed(0)} MiB (written in ${((performance.now() - start) / 1000).toFixed(1)} s)`,
      );
    }
    const rssBefore = process.memoryUsage().rss;
    const loadStart = performance.now();
    const runtime = await loadRuntime({
      modelPath,
      contextSize: 2048,
      sequences: 1,
      threads: THREADS,
      logger: silent,
    });
    const loadMs = performance.now() - loadStart;
    const profile = (await loadProfiles()).get("default");
    const grammarStart = performance.now();
    const grammar = await runtime.llama.createGrammar({ grammar: jsonSchemaToGbnf(profile.schema) });
    const grammarMs = performance.now() - grammarStart;
    const [sequence] = [runtime.context.getSequence()];
    const { prefix, chunks } = await promptPieces(runtime);
    const prompts = chunks.map((chunk) => [...prefix, ...chunk]);

    console.log(`threads ${THREADS}, context 2048, 1 sequence, medians of ${SAMPLES}`);
    console.log(`load: ${(loadMs / 1000).toFixed(2)} s; profile grammar made in ${grammarMs.toFixed(1)} ms`);
    const promptRate = await promptSpeed(runtime, sequence, prompts);
    console.log(`prompt: ${promptRate.toFixed(0)} tokens/s (${PREFIX + CHUNK}-token prompts from scratch)`);

    const withReuse: number[] = [];
    const withoutReuse: number[] = [];
    let reused = 0;
    await sequence.clearHistory();
    await timedChunk(runtime, sequence, [...prefix, ...(chunks.at(-1) as Token[])], undefined);
    for (const prompt of prompts) {
      const timed = await timedChunk(runtime, sequence, prompt, undefined);
      withReuse.push(timed.ms);
      reused = timed.reusedTokens;
    }
    for (const prompt of prompts) {
      await sequence.clearHistory();
      withoutReuse.push((await timedChunk(runtime, sequence, prompt, undefined)).ms);
    }
    console.log(
      `chunk (${PREFIX} prefix + ${CHUNK} chunk + ${ANSWER} generated, plain): ${(median(withReuse) / 1000).toFixed(2)} s with prefix reuse (${reused} prompt tokens kept), ${(median(withoutReuse) / 1000).toFixed(2)} s without`,
    );
    const plainRate = await generationSpeed(runtime, sequence, prompts[0] as Token[], undefined);
    console.log(`generation: ${plainRate.toFixed(1)} tokens/s plain`);
    const grammarRate = await generationSpeed(runtime, sequence, prompts[0] as Token[], grammar);
    console.log(
      `generation: ${grammarRate.toFixed(1)} tokens/s under the default profile's grammar (random weights: worst case)`,
    );
    const rss = process.memoryUsage().rss;
    console.log(
      `RSS: ${(rss / MiB).toFixed(0)} MiB (${((rss - rssBefore) / MiB).toFixed(0)} MiB added by the model and its context)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
