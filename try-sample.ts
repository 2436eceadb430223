import { mkdtemp } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, LlamaCompletion, LlamaLogLevel } from "node-llama-cpp";
import { jsonSchemaToGbnf } from "./src/grammar/index.js";
import { writeTinyBloomGguf } from "./test/support/tiny-bloom-gguf.js";
const dir = await mkdtemp(join(tmpdir(), "tb-"));
const tiny = await writeTinyBloomGguf(join(dir, "t.gguf"));
const llama = await getLlama({ gpu: false, build: "never", progressLogs: false, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath: tiny.path, gpuLayers: 0 });
const context = await model.createContext({ contextSize: 2048, threads: 1 });
const { "x-palimpsest": _, ...schema } = JSON.parse(readFileSync(`schemas/default.json`, "utf8"));
const grammar = await llama.createGrammar({ grammar: jsonSchemaToGbnf(schema) });
for (const [temperature, seed] of [[1, 4], [1.5, 4]]) {
  const sequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  let last = performance.now(); const gaps: [number, string][] = [];
  const t = performance.now();
  const r = await completion.generateCompletionWithMeta("Document:\n<<<\nJean Dupuis, notaire à Rouen.\n>>>\nJSON:", { grammar, maxTokens: 400, temperature, seed,
    onToken: (tokens) => { const now = performance.now(); gaps.push([now - last, JSON.stringify(tokens.map(t => tiny.vocabulary[t]))]); last = now; } });
  const total = performance.now() - t;
  const sorted = [...gaps].sort((a, b) => b[0] - a[0]);
  console.log(temperature, seed, gaps.length, "tokens", total.toFixed(0), "ms", sorted.slice(0, 6).map(([g, t]) => `${g.toFixed(0)}ms ${t}`).join(" | "));
  console.log(gaps.map(([g]) => g.toFixed(0)).join(","));
  completion.dispose({ disposeSequence: true });
}
await llama.dispose();
