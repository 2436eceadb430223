/**
 * Reads the document and its options from a request, in any of the three forms the API takes:
 * a multipart upload (field `file`, plus `profile`, `language`, `schema`, `script`, `ocr`), a JSON body
 * (`{ "text": ..., "profile", "language", "schema" }`), or the raw bytes as the body
 * (a PDF, an image, XML, text or application/octet-stream) with options in the query string.
 * Size limits are enforced while the body streams in (see app.ts), never after buffering it whole.
 */
import type { FastifyRequest } from "fastify";
import { PalimpsestError } from "../errors.js";
import { MODEL_LIST, SCRIPT_CODE } from "../pipeline/ocr/models.js";

export interface UploadOptions {
  profile?: string;
  language?: string;
  /** A custom extraction profile (JSON Schema), as an object or JSON text. */
  schema?: unknown;
  /** ISO 15924 script of a scanned document (Latf: Fraktur), for the choice of OCR models. */
  script?: string;
  /** Tesseract models to read scans with, joined by "+" (e.g. "ita_old+lat"). */
  ocr?: string;
}

export interface Upload {
  bytes: Uint8Array;
  filename?: string;
  options: UploadOptions;
}

const OPTION_NAMES = ["profile", "language", "schema", "script", "ocr"] as const;

export async function readUpload(request: FastifyRequest): Promise<Upload> {
  const query = pickOptions(request.query);
  if (request.isMultipart()) return readMultipart(request, query);
  const body = request.body;
  if (Buffer.isBuffer(body)) {
    const filename = queryFilename(request);
    return { bytes: body, ...(filename ? { filename } : {}), options: query };
  }
  if (body && typeof body === "object") {
    const json = body as Record<string, unknown>;
    if (typeof json.text !== "string") {
      throw new PalimpsestError("BAD_REQUEST", 'A JSON request needs a "text" field with the document text.');
    }
    const filename = typeof json.filename === "string" ? json.filename : undefined;
    return {
      bytes: Buffer.from(json.text, "utf8"),
      ...(filename ? { filename } : {}),
      options: { ...query, ...pickOptions(json) },
    };
  }
  throw new PalimpsestError(
    "UNSUPPORTED_MEDIA_TYPE",
    'Send the document as multipart/form-data (field "file"), as JSON {"text": ...}, or as the raw file with Content-Type application/pdf, text/plain or application/octet-stream.',
  );
}

async function readMultipart(request: FastifyRequest, query: UploadOptions): Promise<Upload> {
  const fields: Record<string, unknown> = {};
  let file: { bytes: Buffer; filename: string } | undefined;
  for await (const part of request.parts()) {
    if (part.type === "file") {
      if (file)
        throw new PalimpsestError("BAD_REQUEST", "Send one file per request; use batch jobs for many.");
      file = { bytes: await part.toBuffer(), filename: part.filename };
    } else {
      fields[part.fieldname] = part.value;
    }
  }
  if (!file)
    throw new PalimpsestError(
      "BAD_REQUEST",
      'The multipart upload has no file: send it in a field named "file".',
    );
  return { bytes: file.bytes, filename: file.filename, options: { ...query, ...pickOptions(fields) } };
}

/** A raw body has no file name of its own: the query's `filename` option gives it one. */
export function queryFilename(request: FastifyRequest): string | undefined {
  const filename = (request.query as Record<string, unknown> | undefined)?.filename;
  return typeof filename === "string" && filename !== "" ? filename : undefined;
}

export function pickOptions(source: unknown): UploadOptions {
  const options: UploadOptions = {};
  if (!source || typeof source !== "object") return options;
  for (const name of OPTION_NAMES) {
    const value = (source as Record<string, unknown>)[name];
    if (value === undefined || value === "") continue;
    if (name !== "schema" && typeof value !== "string") {
      throw new PalimpsestError("BAD_REQUEST", `The option "${name}" must be a string.`);
    }
    options[name] = value as string;
  }
  if (options.language !== undefined && !/^[a-z]{2,3}$/.test(options.language)) {
    throw new PalimpsestError(
      "BAD_REQUEST",
      `The language "${options.language}" is not an ISO 639 code such as "fr", "de" or "en".`,
    );
  }
  if (options.script !== undefined && !SCRIPT_CODE.test(options.script)) {
    throw new PalimpsestError(
      "BAD_REQUEST",
      `The script "${options.script}" is not an ISO 15924 code such as "Latf" (Fraktur) or "Latn".`,
    );
  }
  if (options.ocr !== undefined && !MODEL_LIST.test(options.ocr)) {
    throw new PalimpsestError(
      "BAD_REQUEST",
      `The OCR models "${options.ocr}" are not tesseract model names joined by "+", such as "frk" or "ita_old+lat".`,
    );
  }
  return options;
}
