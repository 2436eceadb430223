/**
 * The profiles a server or CLI run offers: the built-in ones of schemas/ plus the users' folders.
 * A bad file stops loading, with a message naming it: a profile that silently went missing would
 * only show up later as UNKNOWN_PROFILE.
 */
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { isPalimpsestError, PalimpsestError } from "../errors.js";
import { packageRoot } from "../package-info.js";
import { compileProfile } from "./compile.js";
import { customProfiles } from "./custom.js";
import type { Profile } from "./profile.js";
import { DEFAULT_SCHEMA_LIMITS, type SchemaLimits } from "./schema-limits.js";

export interface ProfileRegistry {
  /** The profile called `name`; UNKNOWN_PROFILE (listing the available names) when there is none. */
  get(name: string): Profile;
  /** Every profile, sorted by name. */
  list(): Profile[];
  /** A schema sent with a request (or its JSON text), compiled under the same limits (see custom.ts). */
  custom(schema: unknown): Profile;
}

/** The built-in profiles: schemas/ at the package root (found the same way from src/ and dist/src/). */
export function builtinProfilesDir(): string {
  return join(packageRoot(), "schemas");
}

async function readProfileFile(file: string, limits: SchemaLimits): Promise<Profile> {
  const name = basename(file, ".json");
  let schema: unknown;
  try {
    schema = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new PalimpsestError(
      "INVALID_PROFILE",
      `${file}: not a readable JSON file: ${(error as Error).message}`,
      {
        cause: error,
        details: { file },
      },
    );
  }
  try {
    return compileProfile(name, schema, limits);
  } catch (error) {
    if (!isPalimpsestError(error)) throw error;
    throw new PalimpsestError("INVALID_PROFILE", `${file}: ${error.message}`, {
      cause: error,
      details: { ...error.details, file },
    });
  }
}

async function jsonFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new PalimpsestError(
      "INVALID_PROFILE",
      `Profile folder ${dir} cannot be read: ${(error as Error).message}`,
      {
        cause: error,
        details: { dir },
      },
    );
  }
  return names
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => join(dir, name));
}

/** Loads the built-in profiles and those of `dirs` (e.g. PROFILES_DIR); two files may not share a name. */
export async function loadProfiles(
  dirs: readonly string[] = [],
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): Promise<ProfileRegistry> {
  const profiles = new Map<string, { profile: Profile; file: string }>();
  for (const dir of [builtinProfilesDir(), ...dirs]) {
    for (const file of await jsonFiles(dir)) {
      const profile = await readProfileFile(file, limits);
      const earlier = profiles.get(profile.name);
      if (earlier !== undefined)
        throw new PalimpsestError(
          "INVALID_PROFILE",
          `Profile "${profile.name}" is defined twice, in ${earlier.file} and ${file}: rename one of the files`,
          { details: { profile: profile.name, files: [earlier.file, file] } },
        );
      profiles.set(profile.name, { profile, file });
    }
  }
  const sorted = [...profiles.values()]
    .map(({ profile }) => profile)
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    get(name) {
      const found = profiles.get(name);
      if (found === undefined)
        throw new PalimpsestError(
          "UNKNOWN_PROFILE",
          `Unknown profile "${name}"; available: ${sorted.map((profile) => profile.name).join(", ")}`,
          { details: { profile: name, available: sorted.map((profile) => profile.name) } },
        );
      return found.profile;
    },
    list: () => [...sorted],
    custom: customProfiles(limits),
  };
}
