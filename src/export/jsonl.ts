/** JSON Lines: one mention per line, with its document, for tools that read records (pandas, jq, R). */
import type { Extraction } from "../pipeline/extraction.js";
import { mentionRows } from "./mention-rows.js";

export function jsonLines(extractions: Extraction[]): string {
  return mentionRows(extractions)
    .map((row) => `${JSON.stringify(row)}\n`)
    .join("");
}
