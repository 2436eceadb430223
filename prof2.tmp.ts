import { performance } from "node:perf_hooks";
import { Ajv2020 } from "ajv/dist/2020.js";
import { jsonSchemaToGbnf } from "./src/grammar/index.js";
import { linearRegExp } from "./src/profiles/linear-regexp.js";
const count = Number(process.argv[2] ?? 10);
const defs = Object.fromEntries(Array.from({ length: count }, (_, i) => [`d${i}`, i === count - 1 ? { type: "string" } : { anyOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] }]));
const schema = { type: "object", properties: { entities: { type: "array", items: { type: "object", properties: { type: { const: "x" }, text: { type: "string" }, note: { $ref: "#/$defs/d0" } }, required: ["type", "text"] } } }, required: ["entities"], $defs: defs };
let t = performance.now();
const ajv = new Ajv2020({ allErrors: true, verbose: true, strictTypes: false, strictTuples: false, code: { regExp: linearRegExp } });
const v = ajv.compile(schema);
console.log(count, "ajv", (performance.now() - t).toFixed(0));
t = performance.now();
v({entities:[{type:"x",text:"a",note:3}]});
console.log(count, "validate", (performance.now() - t).toFixed(0));
t = performance.now();
try { jsonSchemaToGbnf(schema); } catch (e) { console.log((e as Error).message.slice(0, 100)); }
console.log(count, "gbnf", (performance.now() - t).toFixed(0));
