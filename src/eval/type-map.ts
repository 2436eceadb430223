/**
 * Type maps: which of the product's types (a profile's `type` values) stands for each label of a gold
 * tag set. Scoring happens in the gold's labels, as the official HIPE scorer's does: a prediction
 * takes the first label listed for its type, so several labels may share a type (topres19th's LOC,
 * BUILDING and STREET are all places) and predictions of that type are scored as the first.
 * Labels mapped to no type (ajmc's scope, object) are never predicted: they count as missed.
 */
import { readFile } from "node:fs/promises";
import { PalimpsestError } from "../errors.js";
import type { GoldFile } from "./gold.js";

export interface TypeMap {
  /** A built-in map's name, "identity", or the file it was read from. */
  name: string;
  /** Gold label -> product type, in order of preference. */
  labels: Record<string, string>;
}

export const BUILT_IN_TYPE_MAPS: Readonly<Record<string, Record<string, string>>> = {
  hipe2020: { pers: "person", loc: "place", org: "organization", time: "date", prod: "work" },
  newseye: { PER: "person", LOC: "place", ORG: "organization", HumanProd: "work" },
  ajmc: { pers: "person", loc: "place", work: "work", date: "date" },
  topres19th: { LOC: "place", BUILDING: "place", STREET: "place" },
};

/** The labels a gold file uses. */
export function goldLabels(file: GoldFile): Set<string> {
  return new Set(file.documents.flatMap((d) => d.mentions.map((m) => m.type)));
}

/** Every label standing for itself: gold annotated with the product's own types. */
function identityMap(labels: Set<string>): TypeMap {
  return { name: "identity", labels: Object.fromEntries([...labels].map((label) => [label, label])) };
}

/**
 * The map for a gold file: the one named (built-in or a JSON file), else the built-in named by the
 * file's data set, else whichever of identity and the built-ins covers most of the file's labels
 * with types the profile has.
 */
export async function resolveTypeMap(
  option: string | undefined,
  file: GoldFile,
  profileTypes: readonly string[],
): Promise<TypeMap> {
  const labels = goldLabels(file);
  if (option === "identity") return identityMap(labels);
  if (option !== undefined) return namedTypeMap(option);
  if (file.dataset !== undefined && BUILT_IN_TYPE_MAPS[file.dataset]) return builtIn(file.dataset);
  const candidates = [identityMap(labels), ...Object.keys(BUILT_IN_TYPE_MAPS).map(builtIn)];
  const coverage = (map: TypeMap) =>
    [...labels].filter((label) => {
      const type = typeOfLabel(map, label);
      return type !== undefined && (profileTypes.length === 0 || profileTypes.includes(type));
    }).length;
  return candidates.reduce((best, map) => (coverage(map) > coverage(best) ? map : best));
}

/** A built-in map by its name, or a JSON file of labels to types. */
export function namedTypeMap(name: string): Promise<TypeMap> {
  return BUILT_IN_TYPE_MAPS[name] ? Promise.resolve(builtIn(name)) : readTypeMap(name);
}

/** The product type a gold label stands for (labels compared ignoring case, as the HIPE scorer does). */
export function typeOfLabel(map: TypeMap, label: string): string | undefined {
  const key = label.toUpperCase();
  return Object.entries(map.labels).find(([l]) => l.toUpperCase() === key)?.[1];
}

/** How predictions of each product type are labelled: the first label of that type, as the gold spells it. */
export function labeller(map: TypeMap, labels: Set<string>): (type: string) => string | undefined {
  const spelling = new Map([...labels].map((label) => [label.toUpperCase(), label]));
  return (type) => {
    const label = Object.entries(map.labels).find(([, t]) => t === type)?.[0];
    return label === undefined ? undefined : (spelling.get(label.toUpperCase()) ?? label);
  };
}

function builtIn(name: string): TypeMap {
  return { name, labels: { ...BUILT_IN_TYPE_MAPS[name] } };
}

async function readTypeMap(path: string): Promise<TypeMap> {
  const problem = (message: string) =>
    new PalimpsestError(
      "INVALID_GOLD",
      `The type map ${path} ${message}. Give a built-in map (${Object.keys(BUILT_IN_TYPE_MAPS).join(", ")}, identity) or a JSON file such as {"PER": "person", "LOC": "place"}.`,
    );
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw problem(`cannot be read (${(error as Error).message})`);
  }
  const entries =
    typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
  if (entries.length === 0 || entries.some(([, type]) => typeof type !== "string")) {
    throw problem("is not a JSON object of gold labels to product types");
  }
  return { name: path, labels: Object.fromEntries(entries) as Record<string, string> };
}
