/** A gold file in either format, told apart by its content: a TSV header, or a JSON object per line. */
import { readFile } from "node:fs/promises";
import { PalimpsestError } from "../errors.js";
import type { GoldFile } from "./gold.js";
import { parseGoldJsonl } from "./gold-jsonl.js";
import { parseHipeTsv } from "./hipe-tsv.js";

export function parseGold(content: string, path: string): GoldFile {
  const first = content.replace(/^\uFEFF/, "").trimStart();
  if (first.startsWith("{")) return parseGoldJsonl(content, path);
  if (first.startsWith("TOKEN\t")) return parseHipeTsv(content, path);
  throw new PalimpsestError(
    "INVALID_GOLD",
    `${path} is neither HIPE TSV (a header line starting "TOKEN<tab>") nor JSON Lines (one {"text", "mentions"} object per line).`,
  );
}

export async function readGoldFile(path: string): Promise<GoldFile> {
  return parseGold(await readFile(path, "utf8"), path);
}
