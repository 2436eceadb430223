/**
 * The export formats of results, shared by `palimpsest extract --format` and `POST /v1/extract?format=`.
 * Each renders any number of results as one file. (`json`, the result itself, is not an export.)
 */
import type { TypeMap } from "../eval/type-map.js";
import type { Extraction } from "../pipeline/extraction.js";
import { csv } from "./csv.js";
import { hipeTsv } from "./hipe-tsv.js";
import { jsonLines } from "./jsonl.js";
import { webAnnotations } from "./webanno.js";

export interface ExportOptions {
  /** hipe-tsv: the tag set to write, through its type map (`pers`, `loc`... for hipe2020); the product's types when absent. */
  labels?: TypeMap;
}

interface ExportFormatSpec {
  contentType: string;
  extension: string;
  render(extractions: Extraction[], options?: ExportOptions): string;
}

export const EXPORT_FORMATS = {
  jsonl: { contentType: "application/jsonl; charset=utf-8", extension: "jsonl", render: jsonLines },
  csv: { contentType: "text/csv; charset=utf-8; header=present", extension: "csv", render: csv },
  "hipe-tsv": { contentType: "text/tab-separated-values; charset=utf-8", extension: "tsv", render: hipeTsv },
  webanno: {
    // The media type of the W3C Web Annotation Protocol.
    contentType: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    extension: "jsonld",
    render: (extractions) => `${JSON.stringify(webAnnotations(extractions), null, 2)}\n`,
  },
} as const satisfies Record<string, ExportFormatSpec>;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

export const EXPORT_FORMAT_NAMES = Object.keys(EXPORT_FORMATS) as ExportFormat[];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === "string" && Object.hasOwn(EXPORT_FORMATS, value);
}
