import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PalimpsestError } from "../../src/errors.js";
import { builtinProfilesDir, loadProfiles } from "../../src/profiles/registry.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "palimpsest-profiles-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A user's profile: the shipped default under another title. */
async function userProfile(title: string): Promise<Record<string, unknown>> {
  const schema = JSON.parse(await readFile(join(builtinProfilesDir(), "default.json"), "utf8"));
  return { ...schema, title };
}

async function loadError(dirs: string[]): Promise<PalimpsestError> {
  const error = await loadProfiles(dirs).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PalimpsestError);
  return error as PalimpsestError;
}

describe("loadProfiles", () => {
  it("finds the built-in profiles in schemas/ at the package root", async () => {
    expect(builtinProfilesDir()).toBe(join(import.meta.dirname, "..", "..", "schemas"));
    const registry = await loadProfiles();
    expect(registry.list().map((profile) => profile.name)).toEqual(["baptism-record", "default"]);
    expect(registry.get("default").title).toBe("Named entities");
  });

  it("adds the profiles of extra folders, ignoring files that are not JSON", async () => {
    await writeFile(join(dir, "notarial-deed.json"), JSON.stringify(await userProfile("Notarial deed")));
    await writeFile(join(dir, "README.md"), "not a profile");
    const registry = await loadProfiles([dir]);
    expect(registry.list().map((profile) => profile.name)).toEqual([
      "baptism-record",
      "default",
      "notarial-deed",
    ]);
    expect(registry.get("notarial-deed").title).toBe("Notarial deed");
  });

  it("answers UNKNOWN_PROFILE with the names available", async () => {
    const registry = await loadProfiles();
    expect(() => registry.get("marriage")).toThrow(
      expect.objectContaining({
        code: "UNKNOWN_PROFILE",
        message: 'Unknown profile "marriage"; available: baptism-record, default',
      }),
    );
  });

  it("stops on a file that is not JSON, naming it", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, '{"title": ');
    const error = await loadError([dir]);
    expect(error.code).toBe("INVALID_PROFILE");
    expect(error.message).toMatch(new RegExp(`^${file}: not a readable JSON file: `));
  });

  it("stops on an invalid profile, naming the file and the problems", async () => {
    const file = join(dir, "bad.json");
    await writeFile(file, JSON.stringify({ ...(await userProfile("Bad")), type: "array" }));
    const error = await loadError([dir]);
    expect(error.code).toBe("INVALID_PROFILE");
    expect(error.message).toMatch(
      new RegExp(`^${file}: Profile "bad" is invalid:\\n- the top level must be`),
    );
    expect(error.details).toMatchObject({ file, profile: "bad" });
  });

  it("refuses two profiles of one name, and a folder that cannot be read", async () => {
    await writeFile(join(dir, "default.json"), JSON.stringify(await userProfile("Mine")));
    expect((await loadError([dir])).message).toMatch(
      /^Profile "default" is defined twice, in .* and .*: rename one/,
    );
    const missing = join(dir, "missing");
    expect((await loadError([missing])).message).toMatch(
      new RegExp(`^Profile folder ${missing} cannot be read: `),
    );
  });
});
