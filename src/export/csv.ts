/**
 * CSV (RFC 4180: comma-separated, CRLF line ends, quoted where needed, UTF-8, header line): one row
 * per mention. Each attribute of the profile gets its own `attributes.<name>` column (a date's EDTF
 * `value` can be sorted on in a spreadsheet); nested values are written as JSON. Box, OCR confidence
 * and `fields` columns appear only when some mention has them. Cells are the text as extracted, but for
 * those a spreadsheet would run as a formula (csv-options.ts).
 */
import { stringify } from "csv-stringify/sync";
import type { Extraction } from "../pipeline/extraction.js";
import { CSV_OPTIONS } from "./csv-options.js";
import { type MentionRow, mentionRows } from "./mention-rows.js";

/** A mention's columns, in order, with the MentionRow field each one shows. */
const FIXED = [
  ["document_id", "document"],
  ["filename", "filename"],
  ["mention_id", "id"],
  ["entity_id", "entity"],
  ["entity_name", "entityName"],
  ["type", "type"],
  ["start", "start"],
  ["end", "end"],
  ["text", "text"],
  ["page", "page"],
  ["line", "line"],
  ["alignment", "alignment"],
  ["model_text", "modelText"],
] as const;
const BOX = ["bbox_x", "bbox_y", "bbox_width", "bbox_height"] as const;
const CONFIDENCE = ["ocr_confidence", "low_confidence"] as const;
const REVIEW = ["review"] as const;

/** Every column a mention fills, shared with the batch results' CSV (jobs/results.ts). */
export const MENTION_COLUMNS = [...FIXED.map(([name]) => name), ...BOX, ...CONFIDENCE, ...REVIEW] as const;
export type MentionColumn = (typeof MENTION_COLUMNS)[number];

/** A mention's cells by column; empty where it has no value (a box only on OCR and XML pages). */
export function mentionCells(row: MentionRow): Record<MentionColumn, string> {
  const { x, y, width, height } = row.bbox ?? {};
  return {
    ...(Object.fromEntries(FIXED.map(([name, key]) => [name, cell(row[key])])) as Record<
      (typeof FIXED)[number][0],
      string
    >),
    bbox_x: cell(x),
    bbox_y: cell(y),
    bbox_width: cell(width),
    bbox_height: cell(height),
    ocr_confidence: cell(row.confidence),
    low_confidence: cell(row.lowConfidence),
    review: cell(row.review),
  };
}

export function csv(extractions: Extraction[]): string {
  const rows = mentionRows(extractions);
  const attributeNames = [...new Set(rows.flatMap((row) => Object.keys(row.attributes)))].sort();
  const hasBoxes = rows.some((row) => row.bbox !== undefined);
  const hasConfidence = rows.some((row) => row.confidence !== undefined);
  const hasFields = rows.some((row) => row.fields !== undefined);
  const hasReview = rows.some((row) => row.review !== undefined);
  // A box or confidence column only when some mention has one: most documents are not scans; a review
  // column only for reviewed documents.
  const columns = MENTION_COLUMNS.filter(
    (name) =>
      (hasBoxes || !(BOX as readonly string[]).includes(name)) &&
      (hasConfidence || !(CONFIDENCE as readonly string[]).includes(name)) &&
      (hasReview || !(REVIEW as readonly string[]).includes(name)),
  );
  const header = [
    ...columns,
    ...attributeNames.map((name) => `attributes.${name}`),
    ...(hasFields ? ["fields"] : []),
  ];
  const records = rows.map((row) => {
    const cells = mentionCells(row);
    return [
      ...columns.map((name) => cells[name]),
      ...attributeNames.map((name) => cell(row.attributes[name])),
      ...(hasFields ? [cell(row.fields)] : []),
    ];
  });
  return stringify([header, ...records], CSV_OPTIONS);
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
