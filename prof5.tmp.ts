import { performance } from "node:perf_hooks";
import { compileProfile } from "./src/profiles/compile.js";
import { DEFAULT_SCHEMA_LIMITS } from "./src/profiles/schema-limits.js";
const n = Number(process.argv[2]);
const mk = (salt: number) => ({ title: "b", type: "object", properties: { entities: { type: "array", items: { type: "object", properties: { type: { const: "x" }, text: { type: "string" }, ...Object.fromEntries(Array.from({ length: n / 4 }, (_, i) => [`f${i}`, { type: "string", pattern: `^a${i}(b+)+${salt}$` }])) }, required: ["type", "text"] } } }, required: ["entities"], "x-palimpsest": { version: "1.0.0" } });
const lim = { ...DEFAULT_SCHEMA_LIMITS, schemaMaxNodes: 1e9 };
for (let r = 0; r < 6; r++) { const s = mk(r); const t = performance.now(); compileProfile("b", s, lim); console.log(n, r, (performance.now() - t).toFixed(0)); }
