/**
 * CSV (RFC 4180: comma-separated, CRLF line ends, quoted where needed, UTF-8, header line): one row
 * per mention. Each attribute of the profile gets its own `attributes.<name>` column (a date's EDTF
 * `value` can be sorted on in a spreadsheet); nested values are written as JSON. Box, OCR confidence
 * and `fields` columns appear only when some mention has them. Cells are the text as extracted, never altered.
 */
import { stringify } from "csv-stringify/sync";
import type { Extraction } from "../pipeline/extraction.js";
import { mentionRows } from "./mention-rows.js";

const FIXED = [
  ["document_id", "document"],
  ["filename", "filename"],
  ["mention_id", "id"],
  ["entity_id", "entity"],
  ["type", "type"],
  ["start", "start"],
  ["end", "end"],
  ["text", "text"],
  ["page", "page"],
  ["line", "line"],
  ["alignment", "alignment"],
  ["model_text", "modelText"],
] as const;

const BOX = ["x", "y", "width", "height"] as const;

export function csv(extractions: Extraction[]): string {
  const rows = mentionRows(extractions);
  const attributeNames = [...new Set(rows.flatMap((row) => Object.keys(row.attributes)))].sort();
  const hasBoxes = rows.some((row) => row.bbox !== undefined);
  const hasConfidence = rows.some((row) => row.confidence !== undefined);
  const hasFields = rows.some((row) => row.fields !== undefined);
  const header = [
    ...FIXED.map(([name]) => name),
    ...(hasBoxes ? BOX.map((side) => `bbox_${side}`) : []),
    ...(hasConfidence ? ["ocr_confidence", "low_confidence"] : []),
    ...attributeNames.map((name) => `attributes.${name}`),
    ...(hasFields ? ["fields"] : []),
  ];
  const records = rows.map((row) => [
    ...FIXED.map(([, key]) => cell(row[key])),
    ...(hasBoxes ? BOX.map((side) => cell(row.bbox?.[side])) : []),
    ...(hasConfidence ? [cell(row.confidence), cell(row.lowConfidence)] : []),
    ...attributeNames.map((name) => cell(row.attributes[name])),
    ...(hasFields ? [cell(row.fields)] : []),
  ]);
  return stringify([header, ...records], { record_delimiter: "windows" });
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
