/**
 * HIPE TSV, the format of the HIPE shared tasks and of their official scorer: one token a line,
 * the ten columns below, IOB tags in NE-COARSE-LIT, documents introduced by `# key = value` comments
 * and separated by a blank line. Other NE columns are written `O` and link columns `_`: the product
 * finds literal mentions, not metonymy, fine types or links.
 *
 * Two shapes: a plain export tokenises each result's text itself (see tokenize.ts), with the
 * product's own types as labels or a HIPE tag set's; an evaluation export copies a gold file line for line (header,
 * comments, tokens, MISC) and only puts the predictions' tags in, so the official scorer can compare
 * the two files token by token.
 */
import { type HipeFile, MISC_COLUMN, TAG_COLUMN, TOKEN_COLUMN } from "../eval/hipe-tsv.js";
import { tagTokens } from "../eval/iob.js";
import { labeller } from "../eval/type-map.js";
import type { Extraction } from "../pipeline/extraction.js";
import type { ExportOptions } from "./formats.js";
import { tokenize } from "./tokenize.js";

export const HIPE_COLUMNS = [
  "TOKEN",
  "NE-COARSE-LIT",
  "NE-COARSE-METO",
  "NE-FINE-LIT",
  "NE-FINE-METO",
  "NE-FINE-COMP",
  "NE-NESTED",
  "NEL-LIT",
  "NEL-METO",
  "MISC",
] as const;

const row = (cells: readonly string[]) => cells.join("\t");

/** A comment value on one line: a file name may hold anything. */
const oneLine = (value: string) => value.replace(/\s+/g, " ").trim();

/**
 * `labels` writes a tag set's labels instead of the product's types, through the type map `eval`
 * uses (hipe2020: `B-pers`, `I-loc`...); a mention of a type the map has no label for is left out.
 */
export function hipeTsv(extractions: Extraction[], options: ExportOptions = {}): string {
  const { labels } = options;
  const label = labels ? labeller(labels, new Set(Object.keys(labels.labels))) : (type: string) => type;
  return tsvFile(
    HIPE_COLUMNS,
    extractions.map((extraction) => plainDocument(extraction, label)),
  );
}

function plainDocument(extraction: Extraction, label: (type: string) => string | undefined): string {
  const { document } = extraction;
  const entities = extraction.entities.flatMap((m) => {
    const type = label(m.type);
    return type === undefined ? [] : [{ ...m, type }];
  });
  const tokens = tokenize(
    extraction.text,
    entities.flatMap((m) => [m.start, m.end]),
  );
  const { tags } = tagTokens(tokens, entities);
  return [
    `# document_id = ${oneLine(document.filename ?? document.id)}`,
    ...(document.language ? [`# language = ${document.language}`] : []),
    ...tokens.map((token, i) =>
      row([token.text, tags[i] ?? "O", "O", "O", "O", "O", "O", "_", "_", token.misc]),
    ),
  ].join("\n");
}

/** `tags[d][t]` is the tag of token t of document d of the gold file. */
export function hipeTsvLike(file: HipeFile, tags: string[][]): string {
  const { columns } = file;
  const documents = file.documents.map((document, d) =>
    [
      ...document.comments,
      ...document.tokens.flatMap((token, t) => [
        ...token.comments,
        row(
          columns.map((name, i) => {
            const gold = token.cells[i] ?? "";
            if (name === TOKEN_COLUMN || name === MISC_COLUMN) return gold;
            if (name === TAG_COLUMN) return tags[d]?.[t] ?? "O";
            return gold === "_" || !name.startsWith("NE-") ? "_" : "O";
          }),
        ),
      ]),
    ].join("\n"),
  );
  return tsvFile(columns, documents);
}

/** The header, then the documents separated by a blank line. */
function tsvFile(columns: readonly string[], documents: string[]): string {
  return `${row(columns)}\n${documents.map((document) => `${document}\n`).join("\n")}`;
}
