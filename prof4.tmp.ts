import { performance } from "node:perf_hooks";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { jsonSchemaToGbnf } from "./src/grammar/index.js";
import { linearRegExp } from "./src/profiles/linear-regexp.js";
const n = Number(process.argv[2]);
const withPattern = process.argv[3] === "p";
const schema = { title: "b", type: "object", properties: { entities: { type: "array", items: { type: "object", properties: { type: { const: "x" }, text: { type: "string" }, ...Object.fromEntries(Array.from({ length: n / 3 }, (_, i) => [`f${i}`, withPattern ? { type: "string", pattern: `^a${i}$` } : { type: "string" }])) }, required: ["type", "text"] } } }, required: ["entities"] };
for (const opts of [{}, { allErrors: true }, { allErrors: true, verbose: true }, { allErrors: true, verbose: true, code: { regExp: linearRegExp } }]) {
  const ajv = new Ajv2020({ strictTypes: false, strictTuples: false, ...opts });
  addFormats.default(ajv);
  let t = performance.now();
  ajv.validateSchema(schema);
  const meta = performance.now() - t; t = performance.now();
  ajv.compile(schema);
  console.log(JSON.stringify(opts).slice(0, 40), "meta", meta.toFixed(0), "compile", (performance.now() - t).toFixed(0));
}
let t = performance.now();
jsonSchemaToGbnf(schema);
console.log("gbnf", (performance.now() - t).toFixed(0));
