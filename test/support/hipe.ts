/**
 * The HIPE data copied with their licences into test/fixtures (CC BY-NC-SA 4.0, CC BY 4.0), read
 * with the product's own reader (src/eval/hipe-tsv.ts).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { GoldDocument, GoldMention } from "../../src/eval/gold.js";
import { type HipeFile, parseHipeTsv } from "../../src/eval/hipe-tsv.js";
import { CodePointIndex } from "../../src/text/code-points.js";

/** The HIPE-2020 dev sets (French, German, English newspapers). */
export const HIPE_2020 = fileURLToPath(new URL("../fixtures/hipe2020", import.meta.url));
/** The HIPE-2022 dev sets of ajmc (fr, de, en), newseye (fr) and topres19th (en). */
export const HIPE_2022 = fileURLToPath(new URL("../fixtures/hipe2022", import.meta.url));

export function readHipe(path: string): HipeFile {
  return parseHipeTsv(readFileSync(path, "utf8"), path);
}

export type { GoldDocument };

/**
 * The documents of a HIPE file with `prefix` put before each text and every offset in UTF-16 units,
 * as the pipeline's stages count (the product's reader counts code points, as the API does).
 */
export function parseHipe(path: string, prefix = ""): GoldDocument[] {
  return readHipe(path).documents.map((document) => {
    const text = prefix + document.text;
    const index = new CodePointIndex(document.text);
    const shift = (m: GoldMention): GoldMention => ({
      ...m,
      start: prefix.length + index.toUtf16(m.start),
      end: prefix.length + index.toUtf16(m.end),
    });
    return { id: document.id, text, mentions: document.mentions.map(shift) };
  });
}
