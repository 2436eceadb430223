/**
 * A custom profile: a schema sent with a request or given as a file to the CLI. Its results are stored
 * under a name made from the schema itself, `custom-<16 hex digits of its sha256>`, never under a
 * built-in profile's name, so a request cannot replace the results another made with that profile. The
 * same schema (whatever the order of its keys) always gets the same name, and is compiled once while it
 * is among the last few used: a client that sends its schema with every request pays for it once.
 */
import { createHash } from "node:crypto";
import { PalimpsestError } from "../errors.js";
import { compileProfile } from "./compile.js";
import type { Profile } from "./profile.js";
import { checkSchemaBytes, type SchemaLimits, schemaShapeProblem } from "./schema-limits.js";

const LABEL = "custom";
const CACHED = 16;

/** JSON with every object's keys sorted: one text for one schema. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member !== null && typeof member === "object" && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}

function parse(text: string, limits: SchemaLimits): unknown {
  checkSchemaBytes(LABEL, Buffer.byteLength(text), limits);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PalimpsestError(
      "INVALID_PROFILE",
      `The custom schema is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** Compiles custom schemas (objects, or their JSON text) under `limits`, keeping the last few compiled. */
export function customProfiles(limits: SchemaLimits): (given: unknown) => Profile {
  const cache = new Map<string, Profile>();
  return (given) => {
    const schema = typeof given === "string" ? parse(given, limits) : given;
    // Hashing walks the whole schema, so a schema too large or deep for that goes straight to the
    // compiler, which refuses it with the reason.
    if (schemaShapeProblem(schema, limits) !== undefined) return compileProfile(LABEL, schema, limits);
    const digest = createHash("sha256").update(canonicalJson(schema)).digest("hex");
    const cached = cache.get(digest);
    if (cached !== undefined) {
      // Map order is insertion order: moved to the end, the least recently used entry stays first.
      cache.delete(digest);
      cache.set(digest, cached);
      return cached;
    }
    // Compiled as "custom": messages speak of the schema the client sent, not of a hash.
    const profile = { ...compileProfile(LABEL, schema, limits), name: `${LABEL}-${digest.slice(0, 16)}` };
    cache.set(digest, profile);
    if (cache.size > CACHED) cache.delete(cache.keys().next().value as string);
    return profile;
  };
}
