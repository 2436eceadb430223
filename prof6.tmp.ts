import { readFileSync } from "node:fs";
import { compileProfile } from "./src/profiles/compile.js";
import { expansionProblem } from "./src/profiles/schema-expansion.js";
import { DEFAULT_SCHEMA_LIMITS } from "./src/profiles/schema-limits.js";
for (const name of ["default", "baptism-record"]) {
  const s = JSON.parse(readFileSync(`schemas/${name}.json`, "utf8"));
  const { "x-palimpsest": _, ...g } = s;
  let lo = 1, hi = 100000;
  while (lo < hi) { const mid = Math.floor((lo + hi) / 2); if (expansionProblem(g, { ...DEFAULT_SCHEMA_LIMITS, schemaMaxNodes: mid }) === undefined) hi = mid; else lo = mid + 1; }
  console.log(name, "expanded", lo);
}
for (const depth of [50, 100, 200, 400, 700]) {
  let node: object = { type: "object", properties: { type: { const: "x" }, text: { type: "string" } }, required: ["type", "text"] };
  for (let d = 0; d < depth; d++) node = { allOf: [node] };
  const s = { title: "b", type: "object", properties: { entities: { type: "array", items: node } }, required: ["entities"], "x-palimpsest": { version: "1.0.0" } };
  try { compileProfile("b", s, { ...DEFAULT_SCHEMA_LIMITS, schemaMaxDepth: 1e9, schemaMaxNodes: 1e9 }); console.log(depth, "ok"); } catch (e) { console.log(depth, (e as Error).name, (e as Error).message.slice(0, 150)); }
}
