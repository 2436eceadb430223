/**
 * The test model is a real one: llama.cpp (node-llama-cpp's prebuilt CPU binary) loads the tiny BLOOM
 * GGUF, tokenizes with BLOOM's pre-tokenizer and generates from a 2048-token context. And the
 * bloomz-560m-shaped file the benchmarks use passes the header check with bloomz-560m's sizes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, type Llama, LlamaLogLevel, type LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBloomGguf, readGgufHeader } from "../../src/endpoint/embedded/gguf-header.js";
import { TokenTextDecoder } from "../../src/endpoint/embedded/token-bytes.js";
import {
  BLOOMZ_560M_SHAPE,
  SPECIAL_TOKENS,
  type TinyBloomFile,
  writeTinyBloomGguf,
} from "../support/tiny-bloom-gguf.js";

const FRENCH =
  "Le douze mai 1784, Jean-Baptiste Dubois, fils de Pierre, laboureur, a été baptisé en la paroisse de Saint-Martin de Tours.";

let dir: string;
let tiny: TinyBloomFile;
let llama: Llama;
let model: LlamaModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tiny-bloom-"));
  tiny = await writeTinyBloomGguf(join(dir, "tiny.gguf"));
  llama = await getLlama({ gpu: false, build: "never", progressLogs: false, logLevel: LlamaLogLevel.error });
  model = await llama.loadModel({ modelPath: tiny.path, gpuLayers: 0 });
});

afterAll(async () => {
  await model?.dispose();
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe("the tiny BLOOM GGUF in llama.cpp", () => {
  it("loads as BLOOM with the file's sizes and BLOOM's special tokens", () => {
    expect(model.fileInfo.metadata.general.architecture).toBe("bloom");
    expect(model.trainContextSize).toBe(2048);
    expect(model.embeddingVectorSize).toBe(64);
    expect(model.tokens.bos).toBe(SPECIAL_TOKENS.bos);
    expect(model.tokens.eos).toBe(SPECIAL_TOKENS.eos);
  });

  it("tokenizes French text into fewer tokens than bytes, and decodes it back byte for byte", () => {
    const tokens = model.tokenize(FRENCH);
    expect(tokens.length).toBeLessThan(Buffer.byteLength(FRENCH) / 2);
    expect(tokens.every((token) => token >= 4 && token < tiny.vocabulary.length)).toBe(true);
    expect(model.detokenize(tokens)).toBe(FRENCH);
    const decoder = new TokenTextDecoder(tiny.vocabulary, (token) => token < 4);
    decoder.push(tokens);
    expect(decoder.finish()).toBe(FRENCH);
  });

  it("detokenizes with BLOOM's quirk: the space before ? and ! goes (the byte decoder keeps it)", () => {
    const question = "Qui va là ? « Personne ! »";
    const tokens = model.tokenize(question);
    expect(model.detokenize(tokens)).toBe("Qui va là? « Personne! »");
    const decoder = new TokenTextDecoder(tiny.vocabulary, (token) => token < 4);
    decoder.push(tokens);
    expect(decoder.finish()).toBe(question);
  });

  it("has JSON's structural pieces as single tokens", () => {
    for (const piece of ['{"', '":"', '"}', '"}]}'])
      expect(model.tokenize(piece).map((token) => tiny.vocabulary[token])).toEqual([piece]);
    // BLOOM's pre-tokenizer cuts text at commas, so this one is only ever generated, never read.
    expect(tiny.vocabulary).toContain('","');
    const answer = '{"entities":[{"type":"place","text":"Tours"}]}';
    expect(model.tokenize(answer).length).toBeLessThan(answer.length / 3);
  });

  it("generates greedily from a 2048-token context, the same tokens each time, with finite probabilities", async () => {
    const first = await generateGreedily(model, 6);
    expect(first).toHaveLength(6);
    for (const { token, confidence } of first) {
      expect(token).toBeLessThan(tiny.vocabulary.length);
      expect(confidence).toBeGreaterThan(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
    expect(await generateGreedily(model, 6)).toEqual(first);
  });

  it.each(["f16", "q8_0"] as const)("runs with %s matrices too", async (tensorType) => {
    const file = await writeTinyBloomGguf(join(dir, `tiny-${tensorType}.gguf`), { tensorType });
    const encoded = await llama.loadModel({ modelPath: file.path, gpuLayers: 0 });
    try {
      const generated = await generateGreedily(encoded, 3);
      expect(generated).toHaveLength(3);
      for (const { confidence } of generated) expect(confidence).toBeGreaterThan(0);
    } finally {
      await encoded.dispose();
    }
  });
});

/** `count` tokens after FRENCH, greedily, from a fresh 2048-token context, with the chosen token's probability. */
async function generateGreedily(from: LlamaModel, count: number) {
  const context = await from.createContext({ contextSize: 2048, threads: 1 });
  try {
    expect(context.contextSize).toBe(2048);
    const generated: { token: number; confidence: number }[] = [];
    for await (const output of context
      .getSequence()
      .evaluateWithMetadata(from.tokenize(FRENCH), { confidence: true }, { temperature: 0 })) {
      generated.push(output);
      if (generated.length === count) break;
    }
    return generated;
  } finally {
    await context.dispose();
  }
}

describe("the bloomz-560m-shaped file", () => {
  it("passes the header check with bloomz-560m's sizes, Q8_0 matrices and f32 vectors", async () => {
    const big = await writeTinyBloomGguf(join(dir, "bloomz-560m-shaped.gguf"), BLOOMZ_560M_SHAPE);
    try {
      expect(await checkBloomGguf(big.path, { minContextTokens: 2048 })).toMatchObject({
        contextLength: 2048,
        embeddingLength: 1024,
        blockCount: 24,
        vocabSize: 250_880,
        fileType: 7,
        bytes: big.bytes,
      });
      const { tensors } = await readGgufHeader(big.path);
      const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
      expect(byName.get("token_embd.weight")).toMatchObject({
        dims: [1024, 250_880],
        type: "Q8_0",
        bytes: ((1024 * 250_880) / 32) * 34,
      });
      expect(byName.get("blk.23.ffn_down.weight")).toMatchObject({ dims: [4096, 1024], type: "Q8_0" });
      expect(byName.get("blk.23.ffn_down.bias")).toMatchObject({ dims: [1024], type: "F32" });
      expect(big.bytes).toBeGreaterThan(600_000_000);
    } finally {
      await rm(big.path, { force: true });
    }
  }, 120_000);
});
