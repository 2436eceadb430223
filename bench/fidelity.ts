/**
 * Pipeline fidelity on real historical newspapers: every HIPE-2020 dev document (French, German,
 * English) goes through the whole product (ingest, normalise, chunk, prompt, TGI protocol over HTTP,
 * parse, validate, ground, merge) against a replaying server that answers each prompt with the gold
 * mentions of the passage it carries, spelled as the model reads them. Any loss between that answer
 * and the reported offsets is the pipeline's own: a perfect pipeline scores strict F1 = 1.
 *
 *   npx tsx bench/fidelity.ts            (prints a table; exits 1 below strict F1 0.995)
 */
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { documentOfPrompt } from "../src/pipeline/extract/prompt.js";
import { normalizeForModel } from "../src/pipeline/normalize/index.js";
import { runPipeline } from "../src/pipeline/run.js";
import { createServices } from "../src/services.js";
import { HIPE_2020, parseHipe } from "../test/support/hipe.js";
import { startTgiTestServer } from "../test/support/tgi-server.js";

const TYPES: Record<string, string> = {
  pers: "person",
  loc: "place",
  org: "organization",
  time: "date",
  prod: "work",
};

interface Replay {
  normalized: string;
  mentions: { type: string; text: string; start: number; end: number }[];
}

/** Gold mentions as the model would see them: their span in the normalised text. */
function replayOf(text: string, gold: { type: string; start: number; end: number }[]): Replay {
  const normalized = normalizeForModel(text);
  const at = (source: number) => normalized.toSource.findIndex((s) => s >= source);
  const mentions = gold.map((m) => {
    const start = at(m.start);
    const end = at(m.end);
    return { type: TYPES[m.type] ?? "event", text: normalized.text.slice(start, end).trim(), start, end };
  });
  return { normalized: normalized.text, mentions };
}

async function main() {
  let current: Replay | undefined;
  const server = await startTgiTestServer({
    maxInputTokens: 1536,
    maxTotalTokens: 2048,
    respond: (prompt) => {
      const chunk = documentOfPrompt(prompt) ?? "";
      const offset = current?.normalized.indexOf(chunk) ?? -1;
      const inside = (current?.mentions ?? []).filter(
        (m) => offset >= 0 && m.start >= offset && m.end <= offset + chunk.length && m.text !== "",
      );
      return JSON.stringify({ entities: inside.map(({ type, text }) => ({ type, text })) });
    },
  });
  const config = loadConfig({ BLOOM_ENDPOINT_URL: server.url, LOG_LEVEL: "silent", MODEL_CONCURRENCY: "1" });
  const services = await createServices(config, createLogger("silent"));
  const profile = services.profiles.get("default");
  console.log(
    "| language | documents | gold mentions | strict P | strict R | strict F1 | model calls | seconds |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  let worst = 1;
  for (const language of ["fr", "de", "en"]) {
    const documents = parseHipe(`${HIPE_2020}/HIPE-data-v1.4-dev-${language}.tsv`);
    let truePositives = 0;
    let predicted = 0;
    let gold = 0;
    let calls = 0;
    const started = performance.now();
    for (const document of documents) {
      current = replayOf(document.text, document.mentions);
      const result = await runPipeline(
        { bytes: new TextEncoder().encode(document.text), profile, language },
        { config, endpoint: services.endpoint, logger: services.logger },
      );
      // The document has no characters outside the BMP, so code points equal UTF-16 offsets here.
      const expected = new Set(document.mentions.map((m) => `${TYPES[m.type]}:${m.start}:${m.end}`));
      const got = result.entities.map((m) => `${m.type}:${m.start}:${m.end}`);
      truePositives += got.filter((key) => expected.has(key)).length;
      predicted += got.length;
      gold += expected.size;
      calls += result.stats.modelCalls;
    }
    const precision = truePositives / Math.max(1, predicted);
    const recall = truePositives / Math.max(1, gold);
    const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
    worst = Math.min(worst, f1);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `| ${language} | ${documents.length} | ${gold} | ${precision.toFixed(4)} | ${recall.toFixed(4)} | ${f1.toFixed(4)} | ${calls} | ${seconds.toFixed(1)} |`,
    );
  }
  await server.close();
  process.exitCode = worst >= 0.995 ? 0 : 1;
}

await main();
