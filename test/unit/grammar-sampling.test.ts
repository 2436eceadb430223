/**
 * Real generations under the converter's grammars: a tiny random-weight BLOOM model in llama.cpp
 * samples from the shipped profiles' prompts at several seeds and temperatures. Random weights pick
 * almost anything the grammar allows, which makes them a harsh test of the grammar: every answer must
 * still be complete, valid JSON.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import {
  getLlama,
  type Llama,
  LlamaCompletion,
  type LlamaContext,
  LlamaLogLevel,
  type LlamaModel,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonSchemaToGbnf } from "../../src/grammar/index.js";
import { buildPrompt } from "../../src/pipeline/extract/prompt.js";
import { compileProfile } from "../../src/profiles/compile.js";
import { writeTinyBloomGguf } from "../support/tiny-bloom-gguf.js";

const CHUNK =
  "Le douze mai 1784, Jean-Baptiste, fils légitime de Pierre Dubois, laboureur, et de Marie Lefèvre, a été baptisé en la paroisse de Saint-Martin de Tours.";
const TEMPERATURES = [0.7, 1.0, 1.5];
const SEEDS = [1, 2, 3, 4];

let dir: string;
let llama: Llama;
let model: LlamaModel;
let context: LlamaContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "grammar-sampling-"));
  const tiny = await writeTinyBloomGguf(join(dir, "tiny.gguf"));
  llama = await getLlama({ gpu: false, build: "never", progressLogs: false, logLevel: LlamaLogLevel.error });
  model = await llama.loadModel({ modelPath: tiny.path, gpuLayers: 0 });
  // One thread: with more threads than idle cores, llama.cpp's workers wait on each other and decoding crawls.
  context = await model.createContext({ contextSize: 2048, threads: 1 });
}, 60_000);

afterAll(async () => {
  await context?.dispose();
  await model?.dispose();
  await llama?.dispose();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

type Item = Record<string, unknown>;

describe.each(["default", "baptism-record"])("sampling the %s profile under its grammar", (name) => {
  const raw = JSON.parse(readFileSync(new URL(`../../schemas/${name}.json`, import.meta.url), "utf8"));
  const profile = compileProfile(name, raw);
  const ajv = new Ajv2020({ strict: false });
  addFormats.default(ajv);
  const valid = ajv.compile(profile.schema);

  it("gives complete, valid JSON at every seed and temperature, optional properties sometimes there", async () => {
    const grammar = await llama.createGrammar({ grammar: jsonSchemaToGbnf(profile.schema) });
    const prompt = buildPrompt(profile, CHUNK, { language: "fr" });
    const items: Item[] = [];
    for (const temperature of TEMPERATURES)
      for (const seed of SEEDS) {
        const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
        const { response, metadata } = await completion.generateCompletionWithMeta(prompt, {
          grammar,
          maxTokens: 600,
          temperature,
          seed,
        });
        completion.dispose({ disposeSequence: true });
        const run = `temperature ${temperature}, seed ${seed}: ${response}`;
        expect(metadata.stopReason, run).toBe("eogToken");
        const output = JSON.parse(response) as { entities: Item[] };
        expect(valid(output), run).toBe(true);
        expect(JSON.stringify(output), run).toBe(response);
        items.push(...output.entities);
      }
    expect(items.length).toBeGreaterThan(SEEDS.length);
    for (const item of items)
      expect(item).toEqual(expect.objectContaining({ type: expect.any(String), text: expect.any(String) }));
    const optional = (item: Item): string[] =>
      Object.keys(item).filter((key) => key !== "type" && key !== "text");
    expect(items.some((item) => optional(item).length > 0)).toBe(true);
    // In both profiles, an item's type names its schema in $defs.
    const declared = (item: Item): number => Object.keys(raw.$defs[item.type as string].properties).length;
    expect(items.some((item) => Object.keys(item).length < declared(item))).toBe(true);
  }, 120_000);
});
