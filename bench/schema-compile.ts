/**
 * What a custom profile costs to load, by size: the time compileProfile takes (limits, meta-validation,
 * ajv compilation, the model's grammar, the examples) for schemas a client could send, at growing
 * sizes, and the time a refused one costs. The figures back SCHEMA_MAX_NODES and SCHEMA_MAX_DEPTH:
 * at the limit, a load must stay far under a second of event loop.
 *
 *   npx tsx bench/schema-compile.ts
 */
import { performance } from "node:perf_hooks";
import { isPalimpsestError } from "../src/errors.js";
import { compileProfile } from "../src/profiles/compile.js";
import { DEFAULT_SCHEMA_LIMITS } from "../src/profiles/schema-limits.js";

type Shape = (size: number) => object;

const profile = (items: object, extra: object = {}) => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "bench",
  type: "object",
  properties: { entities: { type: "array", items } },
  required: ["entities"],
  ...extra,
  "x-palimpsest": { version: "1.0.0" },
});

const variant = (index: number) => ({
  type: "object",
  properties: {
    type: { const: `t${index}` },
    text: { type: "string", pattern: `^[a-z]{1,${1 + (index % 50)}}$` },
  },
  required: ["type", "text"],
});

const SHAPES: Record<string, Shape> = {
  /** One item schema per branch, each with its own pattern: about 13 values a branch. */
  "anyOf branches": (size) => profile({ anyOf: Array.from({ length: size / 13 }, (_, i) => variant(i)) }),
  /** One long enum of types. */
  "enum values": (size) =>
    profile({
      type: "object",
      properties: {
        type: { enum: Array.from({ length: size }, (_, i) => `t${i}`) },
        text: { type: "string" },
      },
      required: ["type", "text"],
    }),
  /** Optional properties, each with a pattern: about 4 values a property. */
  "pattern properties": (size) =>
    profile({
      type: "object",
      properties: {
        type: { const: "x" },
        text: { type: "string" },
        ...Object.fromEntries(
          Array.from({ length: size / 4 }, (_, i) => [`f${i}`, { type: "string", pattern: `^(a+)+${i}$` }]),
        ),
      },
      required: ["type", "text"],
    }),
  /** Definitions that each refer twice to the next (about 6 values each): exponential when followed. */
  "doubling $refs": (size) => {
    const count = Math.max(2, Math.floor(size / 6));
    const defs = Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `d${i}`,
        i === count - 1
          ? { type: "string" }
          : { anyOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] },
      ]),
    );
    return profile(
      {
        type: "object",
        properties: { type: { const: "x" }, text: { type: "string" }, note: { $ref: "#/$defs/d0" } },
        required: ["type", "text"],
      },
      { $defs: defs },
    );
  },
  /** allOf nested in allOf. */
  "nested allOf": (size) => {
    let node: object = { type: "object" };
    for (let depth = 0; depth < size; depth++) node = { allOf: [node] };
    return profile(node);
  },
};

const LIFTED = { ...DEFAULT_SCHEMA_LIMITS, schemaMaxNodes: 1e9, schemaMaxDepth: 1e9 };

function time(schema: object, limits = DEFAULT_SCHEMA_LIMITS): string {
  const start = performance.now();
  let outcome = "loaded";
  try {
    compileProfile("bench", schema, limits);
  } catch (error) {
    outcome = isPalimpsestError(error) ? error.code : (error as Error).name;
  }
  return `${(performance.now() - start).toFixed(0).padStart(7)} ms ${outcome.padEnd(16)}`;
}

// The first compilation pays for loading and optimising ajv and the converter: not a client's cost.
time(SHAPES["enum values"]?.(100) ?? {});
console.log(
  `SCHEMA_MAX_NODES=${DEFAULT_SCHEMA_LIMITS.schemaMaxNodes} SCHEMA_MAX_DEPTH=${DEFAULT_SCHEMA_LIMITS.schemaMaxDepth}`,
);
console.log(`${"shape".padEnd(18)}${"size".padStart(8)}   ${"default limits".padEnd(27)} limits lifted`);
for (const [name, shape] of Object.entries(SHAPES)) {
  const nested = name === "nested allOf";
  const sizes = nested ? [8, 31, 200, 1000, 3000] : [60, 100, 250, 500, 1000, 2000, 4000, 20_000];
  for (const size of sizes) {
    const schema = shape(size);
    // Past these, the lifted run takes minutes (the point of the limits), or overflows the stack.
    const lifted = (name === "doubling $refs" && size > 100) || (nested && size > 1000) || size > 4000;
    console.log(
      `${name.padEnd(18)}${String(size).padStart(8)}   ${time(schema)} ${lifted ? "(not run)" : time(schema, LIFTED)}`,
    );
  }
}
