/**
 * Which profile a request or a command uses: a custom schema it carries, else the profile it names,
 * else the configured default.
 */
import { PalimpsestError } from "../errors.js";
import { compileProfile } from "./compile.js";
import type { Profile } from "./profile.js";
import type { ProfileRegistry } from "./registry.js";

export function resolveProfile(
  registry: ProfileRegistry,
  choice: { profile?: string; schema?: unknown },
  defaultProfile: string,
): Profile {
  if (choice.schema === undefined) return registry.get(choice.profile ?? defaultProfile);
  let schema = choice.schema;
  if (typeof schema === "string") {
    try {
      schema = JSON.parse(schema);
    } catch (error) {
      throw new PalimpsestError(
        "INVALID_PROFILE",
        `The custom schema is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  return compileProfile(choice.profile ?? "custom", schema);
}
