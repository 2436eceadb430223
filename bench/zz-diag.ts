import { basename } from "node:path";
import { loadConfig } from "../src/config.js";
import { readGoldFile } from "../src/eval/read-gold.js";
import { runEval, predictionsOf } from "../src/eval/run-eval.js";
import { resolveTypeMap } from "../src/eval/type-map.js";
import { documentSpans } from "../src/eval/units.js";
import { createLogger } from "../src/logger.js";
import { createServices } from "../src/services.js";
import { startTgiTestServer } from "../test/support/tgi-server.js";
import { Replay, replayableGold } from "./replay.js";

const mode = (process.env.MODE ?? "verbatim") as "verbatim" | "noisy";
const paths = process.argv.slice(2);
const originals = await Promise.all(paths.map(readGoldFile));
let replay: Replay | undefined;
const server = await startTgiTestServer({ maxInputTokens: 1536, maxTotalTokens: 2048, respond: (p) => replay?.respond(p) ?? '{"entities": []}' });
const config = loadConfig({ BLOOM_ENDPOINT_URL: server.url, LOG_LEVEL: "silent", MODEL_CONCURRENCY: "1" });
const services = await createServices(config, createLogger("silent"));
const profile = services.profiles.get("default");
const deps = { config, endpoint: services.endpoint, logger: services.logger };
const prepared = [];
for (const o of originals) { const map = await resolveTypeMap(undefined, o, profile.itemTypes); prepared.push({ map, ...replayableGold(o, map) }); }
replay = new Replay(prepared, mode);
for (const { file, map } of prepared) {
  const [run] = await runEval({ files: [file], profile, typeMap: map.name, concurrency: 1 }, deps);
  for (const d of run!.documents) {
    const preds = predictionsOf(run!, d);
    const spans = documentSpans(d.gold, preds.mentions);
    const key = (s: { type: string; start: number; end: number }) => `${s.type}:${s.start}:${s.end}`;
    const g = new Set(spans.gold.map(key)); const p = new Set(spans.predicted.map(key));
    const toks = d.gold.tokens!;
    const show = (s: { type: string; start: number; end: number }) => `${s.type} [${toks.slice(s.start, s.end).map((t) => t.text).join(" ")}] ctx: ${toks.slice(Math.max(0, s.start - 5), s.end + 5).map((t) => t.text).join(" ")}`;
    for (const s of spans.gold) if (!p.has(key(s))) console.log(`${basename(file.path)} ${d.gold.id} FN ${show(s)}`);
    for (const s of spans.predicted) if (!g.has(key(s))) console.log(`${basename(file.path)} ${d.gold.id} FP ${show(s)}`);
    if (process.env.DOC === d.gold.id) {
      const text = d.gold.text;
      const cp = [...text];
      for (const m of d.gold.mentions) console.log("GOLD", m.type, m.start, m.end, JSON.stringify(m.text));
      for (const e of d.extraction?.entities ?? []) console.log("PRED", e.type, e.start, e.end, JSON.stringify(e.text), e.modelText ?? "", e.alignment);
    }
    for (const r of d.extraction?.rejected ?? []) if (mode === "verbatim") console.log(`${basename(file.path)} ${d.gold.id} REJ ${r.reason} ${r.message}`);
  }
}
await server.close();
