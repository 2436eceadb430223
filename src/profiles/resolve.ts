/**
 * Which profile a request or a command uses: a custom schema it carries, else the profile it names,
 * else the configured default.
 */
import type { Profile } from "./profile.js";
import type { ProfileRegistry } from "./registry.js";

/** A `profile` named along with a schema is not used: the schema's profile is named after its hash. */
export function resolveProfile(
  registry: ProfileRegistry,
  choice: { profile?: string; schema?: unknown },
  defaultProfile: string,
): Profile {
  if (choice.schema === undefined) return registry.get(choice.profile ?? defaultProfile);
  return registry.custom(choice.schema);
}
