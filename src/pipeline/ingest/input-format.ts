/**
 * What an input format is to Palimpsest: how it is recognised from its content, how it is read into
 * pages, whether it holds page images, and where it is taken (batches, raw uploads). Every format is
 * one reader file plus one entry of FORMATS (registry.ts); nothing else in the code lists formats.
 */
import type { OcrReader } from "../ocr/reader.js";
import type { Page, Warning } from "../types.js";
import type { DecodedText } from "./decode-text.js";
import type { LinkedReading } from "./linked.js";
import type { OcrRequest } from "./ocr-pages.js";
import type { PageSource } from "./page-source.js";
import type { XmlImporter } from "./xml/index.js";

/**
 * How content is recognised, in the order of FORMATS within each kind: magic bytes first (before any
 * decoding), then the root element of markup, then JSON, and plain text last, for what decodes as text
 * and is none of these.
 */
export type Detection =
  | { by: "bytes"; matches(bytes: Uint8Array): boolean }
  | {
      by: "markup";
      /** `root` is the local name of the root element, lower-cased; `text` the whole decoded file. */
      matches(root: string, text: string): boolean;
    }
  | {
      by: "json";
      /** `value` is the whole file parsed as JSON (a IIIF manifest is JSON-LD). */
      matches(value: unknown): boolean;
    }
  | { by: "text" };

export interface ReadInput {
  bytes: Uint8Array;
  /** The bytes decoded as text, for formats recognised as markup or text. */
  decoded?: DecodedText;
}

export interface ReadOptions {
  /** Most pages read from one document (config.maxPages). */
  maxPages: number;
  /** Reads page images; without it, formats that need OCR refuse or report the pages. */
  ocr?: OcrReader;
  request: OcrRequest;
  /** How documents that point to other files (METS packages, IIIF manifests) reach them; none without it. */
  linked?: LinkedReading;
}

/** A document's text, laid out in pages (pages.ts), as a format's reader gives it. */
export interface ReadDocument {
  text: string;
  pages: Page[];
  warnings: Warning[];
  /** The character encoding the text was decoded from (text formats). */
  encoding?: string;
  /** The title and identifier the source gives (a METS's MODS record, a IIIF manifest). */
  title?: string;
  identifier?: string;
}

export interface InputFormat {
  /** What people call it, in messages: "PDF", "PNG image", "ALTO". */
  readonly name: string;
  /** The media type documents of this format are reported with (`document.mediaType`). */
  readonly mediaType: string;
  readonly detect: Detection;
  read(input: ReadInput, options: ReadOptions): Promise<ReadDocument>;
  /** The importer of an XML format, which the exports that write entities into the file read it with. */
  readonly importer?: XmlImporter;
  /** Makes the image of a page for display; absent for formats that hold no image. */
  readonly pageImage?: PageSource;
  /** Whether a batch (an archive, a folder) takes such files as documents. */
  readonly batches: boolean;
  /** Content types under which POST /v1/extract takes such a file as the raw request body. */
  readonly rawTypes: readonly string[];
}
