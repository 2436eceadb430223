/** Type maps: which profile type each gold label stands for, chosen per gold file unless named. */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GoldFile } from "../../src/eval/gold.js";
import { goldLabels, labeller, resolveTypeMap, typeOfLabel } from "../../src/eval/type-map.js";
import { HIPE_2020, HIPE_2022, readHipe } from "../support/hipe.js";

const PROFILE_TYPES = ["person", "place", "organization", "date", "work", "event"];

function goldWith(labels: string[], dataset?: string): GoldFile {
  return {
    path: "gold",
    format: "jsonl",
    ...(dataset ? { dataset } : {}),
    documents: [
      { id: "d", text: "x", mentions: labels.map((type) => ({ type, start: 0, end: 1, text: "x" })) },
    ],
  };
}

describe("resolveTypeMap", () => {
  it.each([
    [`${HIPE_2020}/HIPE-data-v1.4-dev-de.tsv`, "hipe2020"],
    [`${HIPE_2022}/HIPE-2022-v2.1-newseye-dev-fr.tsv`, "newseye"],
    [`${HIPE_2022}/HIPE-2022-v2.1-ajmc-dev-de.tsv`, "ajmc"],
    [`${HIPE_2022}/HIPE-2022-v2.1-topres19th-dev-en.tsv`, "topres19th"],
  ])("picks the built-in map for %s", async (path, name) => {
    expect((await resolveTypeMap(undefined, readHipe(path), PROFILE_TYPES)).name).toBe(name);
  });

  it("picks identity for gold annotated with the profile's own types, and the best-covering map otherwise", async () => {
    expect((await resolveTypeMap(undefined, goldWith(["person", "place"]), PROFILE_TYPES)).name).toBe(
      "identity",
    );
    expect((await resolveTypeMap(undefined, goldWith(["PER", "HumanProd"]), PROFILE_TYPES)).name).toBe(
      "newseye",
    );
  });

  it("uses a named map or a JSON file, and says what is wrong with a bad file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "palimpsest-typemap-"));
    const good = join(dir, "map.json");
    const bad = join(dir, "bad.json");
    await writeFile(good, JSON.stringify({ PERSON: "person", PLACE: "place" }));
    await writeFile(bad, JSON.stringify({ PERSON: 3 }));
    const gold = goldWith(["PERSON"]);
    expect((await resolveTypeMap("ajmc", gold, PROFILE_TYPES)).name).toBe("ajmc");
    expect(await resolveTypeMap(good, gold, PROFILE_TYPES)).toEqual({
      name: good,
      labels: { PERSON: "person", PLACE: "place" },
    });
    await expect(resolveTypeMap(bad, gold, PROFILE_TYPES)).rejects.toMatchObject({
      code: "INVALID_GOLD",
      message: expect.stringContaining("is not a JSON object of gold labels to product types"),
    });
    await expect(resolveTypeMap(join(dir, "missing.json"), gold, PROFILE_TYPES)).rejects.toMatchObject({
      code: "INVALID_GOLD",
    });
  });
});

describe("labels", () => {
  it("names predictions with the first label of their type, spelled as the gold spells it", async () => {
    const topres = readHipe(`${HIPE_2022}/HIPE-2022-v2.1-topres19th-dev-en.tsv`);
    const map = await resolveTypeMap(undefined, topres, PROFILE_TYPES);
    const label = labeller(map, goldLabels(topres));
    expect(["place", "person"].map(label)).toEqual(["LOC", undefined]);
    expect(["STREET", "BUILDING"].map((l) => typeOfLabel(map, l))).toEqual(["place", "place"]);
    const shouting = labeller({ name: "mine", labels: { pers: "person" } }, new Set(["PERS"]));
    expect(shouting("person")).toBe("PERS");
  });
});
