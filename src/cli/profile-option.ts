/** The `--profile NAME|FILE.json` option of the commands that run the pipeline. */
import { readFile } from "node:fs/promises";
import type { Config } from "../config.js";
import type { Profile } from "../profiles/profile.js";
import { resolveProfile } from "../profiles/resolve.js";
import type { Services } from "../services.js";

/** A profile by name, a custom profile file (ending in .json, named after its hash), or DEFAULT_PROFILE when absent. */
export async function profileOption(
  services: Services,
  config: Config,
  option: string | undefined,
): Promise<Profile> {
  if (option?.endsWith(".json")) {
    return resolveProfile(
      services.profiles,
      { schema: await readFile(option, "utf8") },
      config.defaultProfile,
    );
  }
  return resolveProfile(services.profiles, option ? { profile: option } : {}, config.defaultProfile);
}
