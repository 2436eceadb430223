import { compileProfile } from "./src/profiles/compile.js";
import { loadProfiles } from "./src/profiles/registry.js";
const base = (extra: object, example: unknown) => ({ title: "t", type: "object", required: ["entities"], properties: { entities: { type: "array", items: { type: "object", required: ["type", "text"], properties: { type: { const: "code" }, text: { type: "string", ...extra } } } } }, "x-palimpsest": { version: "1.0.0", examples: [example] } });
const s = "a".repeat(40) + "!";
try { compileProfile("x", base({ pattern: "^(a+)+$" }, { text: s, output: { entities: [{ type: "code", text: s }] } })); } catch (e) { console.log((e as Error).message); }
try { compileProfile("x", base({ pattern: "^(a)\\1$" }, { text: s, output: { entities: [{ type: "code", text: s }] } })); } catch (e) { console.log((e as Error).message); }
const r = await loadProfiles();
const p = r.custom(JSON.stringify(base({ pattern: "^a+$" }, { text: "aa", output: { entities: [{ type: "code", text: "aa" }] } })));
console.log(p.name, p.validateItem({ type: "code", text: "b" }), p.validateItem({ type: "code", text: "a".repeat(5000) }));
