import { performance } from "node:perf_hooks";
import { compileProfile } from "./src/profiles/compile.js";
import { DEFAULT_SCHEMA_LIMITS } from "./src/profiles/schema-limits.js";
const profile = (items: object, extra: object = {}) => ({ title: "b", type: "object", properties: { entities: { type: "array", items } }, required: ["entities"], ...extra, "x-palimpsest": { version: "1.0.0" } });
const variant = (i: number) => ({ type: "object", properties: { type: { const: `t${i}` }, text: { type: "string", pattern: `^[a-z]{1,${1 + (i % 50)}}$` } }, required: ["type", "text"] });
const shapes: Record<string, (n: number) => object> = {
  anyOf: (n) => profile({ anyOf: Array.from({ length: n / 13 }, (_, i) => variant(i)) }),
  props: (n) => profile({ type: "object", properties: { type: { const: "x" }, text: { type: "string" }, ...Object.fromEntries(Array.from({ length: n / 4 }, (_, i) => [`f${i}`, { type: "string", pattern: `^(a+)+${i}$` }])) }, required: ["type", "text"] }),
  plainprops: (n) => profile({ type: "object", properties: { type: { const: "x" }, text: { type: "string" }, ...Object.fromEntries(Array.from({ length: n / 3 }, (_, i) => [`f${i}`, { type: "string" }])) }, required: ["type", "text"] }),
  enum: (n) => profile({ type: "object", properties: { type: { enum: Array.from({ length: n }, (_, i) => `t${i}`) }, text: { type: "string" } }, required: ["type", "text"] }),
};
const lim = { ...DEFAULT_SCHEMA_LIMITS, schemaMaxNodes: 1e9 };
for (const [name, shape] of Object.entries(shapes)) for (const n of [200, 1000, 2000, 5000]) {
  const s = shape(n); let t = performance.now(); let out = "ok";
  try { compileProfile("b", s, lim); } catch (e) { out = (e as Error).message.slice(0, 80); }
  console.log(name, n, (performance.now() - t).toFixed(0), out);
}
