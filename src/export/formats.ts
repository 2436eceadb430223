/**
 * The export formats of results, shared by `palimpsest extract --format` and `POST /v1/extract?format=`.
 * Each renders any number of results as one file, but for the tagged ALTO and PAGE files, which are
 * the one file a document was read from, with its entities added. (`json`, the result itself, is not
 * an export.)
 */
import { PalimpsestError } from "../errors.js";
import type { TypeMap } from "../eval/type-map.js";
import type { Extraction } from "../pipeline/extraction.js";
import { ALTO_FORMAT, IIIF_FORMAT, PAGE_FORMAT } from "../pipeline/ingest/registry.js";
import { csv } from "./csv.js";
import { hipeTsv } from "./hipe-tsv.js";
import { iiifManifest } from "./iiif.js";
import { jsonLines } from "./jsonl.js";
import { taggedAlto } from "./tagged-alto.js";
import { taggedPage } from "./tagged-page.js";
import type { SourceFiles } from "./tagged-source.js";
import { tei } from "./tei.js";
import { webAnnotations } from "./webanno.js";

export interface ExportOptions {
  /** hipe-tsv: the tag set to write, through its type map (`pers`, `loc`... for hipe2020); the product's types when absent. */
  labels?: TypeMap;
  /** alto, page: the files the results were read from, by document id. */
  sources?: SourceFiles;
}

interface ExportFormatSpec {
  contentType: string;
  extension: string;
  /** The media type of the documents the export can be made of; any document when absent. */
  onlyFor?: string;
  render(extractions: Extraction[], options?: ExportOptions): string | Buffer;
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
  tei: { contentType: "application/tei+xml; charset=utf-8", extension: "tei.xml", render: tei },
  // The file's own encoding, which its XML declaration states: no charset parameter.
  alto: {
    contentType: ALTO_FORMAT.mediaType,
    extension: "alto.xml",
    onlyFor: ALTO_FORMAT.mediaType,
    render: (extractions, options) => taggedAlto(single(extractions, "alto"), options?.sources),
  },
  page: {
    contentType: PAGE_FORMAT.mediaType,
    extension: "page.xml",
    onlyFor: PAGE_FORMAT.mediaType,
    render: (extractions, options) => taggedPage(single(extractions, "page"), options?.sources),
  },
  // A Presentation 3 manifest of the document's canvases, the entities as an AnnotationPage on each.
  iiif: {
    contentType: 'application/ld+json; profile="http://iiif.io/api/presentation/3/context.json"',
    extension: "iiif.json",
    onlyFor: IIIF_FORMAT.mediaType,
    render: (extractions) => {
      const extraction = single(extractions, "iiif");
      // A stored result's export is checked here: only an upload is checked before it is read.
      checkExportApplies("iiif", extraction.document.mediaType);
      return `${JSON.stringify(iiifManifest(extraction), null, 2)}\n`;
    },
  },
} as const satisfies Record<string, ExportFormatSpec>;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

export const EXPORT_FORMAT_NAMES = Object.keys(EXPORT_FORMATS) as ExportFormat[];

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === "string" && Object.hasOwn(EXPORT_FORMATS, value);
}

/** EXPORT_NOT_APPLICABLE when the export cannot be made of documents of this media type. */
export function checkExportApplies(format: ExportFormat, mediaType: string): void {
  const { onlyFor } = EXPORT_FORMATS[format] as ExportFormatSpec;
  if (onlyFor === undefined || onlyFor === mediaType) return;
  throw new PalimpsestError(
    "EXPORT_NOT_APPLICABLE",
    `The ${format} export is the ${onlyFor} file a document was read from, with its entities added; this document is ${mediaType}. Choose tei, webanno or another export.`,
    { details: { format, mediaType } },
  );
}

/** A tagged file is one document's own file: several results cannot share one. */
function single(extractions: Extraction[], format: string): Extraction {
  const [only] = extractions;
  if (extractions.length !== 1 || only === undefined)
    throw new PalimpsestError(
      "EXPORT_NOT_APPLICABLE",
      `The ${format} export is the file of one document, with its entities added; ${extractions.length} results were given. Export them one at a time.`,
    );
  return only;
}
