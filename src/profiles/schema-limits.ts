/**
 * Bounds a profile's schema must stay within before it is compiled. Compiling grows with the schema
 * (a 32 MB one with 20,000 anyOf branches held the event loop for 42 s) and ajv's checks recurse with
 * its nesting (a 3,000-deep allOf overflowed the stack), so size, depth and node count are checked
 * first, by a walk that neither recurses nor goes further than the limit it finds broken.
 */
import { type Config, SETTINGS } from "../config.js";
import { PalimpsestError } from "../errors.js";

/** The settings a profile is compiled under (a Config is one). */
export type SchemaLimits = Pick<
  Config,
  "schemaMaxBytes" | "schemaMaxDepth" | "schemaMaxNodes" | "outputMaxStringLength"
>;

/** For callers without a configuration (tests, tools): the settings' defaults. */
export const DEFAULT_SCHEMA_LIMITS: SchemaLimits = {
  schemaMaxBytes: SETTINGS.schemaMaxBytes.default,
  schemaMaxDepth: SETTINGS.schemaMaxDepth.default,
  schemaMaxNodes: SETTINGS.schemaMaxNodes.default,
  outputMaxStringLength: SETTINGS.outputMaxStringLength.default,
};

/** PAYLOAD_TOO_LARGE when the schema's JSON text is over SCHEMA_MAX_BYTES. */
export function checkSchemaBytes(name: string, bytes: number, limits: SchemaLimits): void {
  if (bytes > limits.schemaMaxBytes)
    throw new PalimpsestError(
      "PAYLOAD_TOO_LARGE",
      `Profile "${name}" is ${bytes} bytes of JSON, more than the limit of ${limits.schemaMaxBytes} (SCHEMA_MAX_BYTES): split it into smaller profiles or drop unused definitions.`,
      { details: { profile: name, limit: limits.schemaMaxBytes } },
    );
}

/** Why the schema is too deep or too large to compile, or undefined when it is within the limits. */
export function schemaShapeProblem(schema: unknown, limits: SchemaLimits): string | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value: schema, depth: 0 }];
  let nodes = 1;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth } = next;
    if (value === null || typeof value !== "object") continue;
    if (depth >= limits.schemaMaxDepth)
      return `the schema nests objects and arrays more than ${limits.schemaMaxDepth} levels deep (SCHEMA_MAX_DEPTH): flatten it, or name the nested parts in "$defs" and "$ref" them`;
    // Counted as they are met, so that an object of a million members is refused at its limit-th.
    for (const key in value) {
      if (++nodes > limits.schemaMaxNodes)
        return `the schema holds more than ${limits.schemaMaxNodes} JSON values (SCHEMA_MAX_NODES): a profile this large takes too long to compile; list fewer alternatives (anyOf, oneOf, enum) or reuse them through "$defs"`;
      pending.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}
