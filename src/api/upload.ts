/**
 * Reads the document and its options from a request, in any of the three forms the API takes:
 * a multipart upload (field `file`, plus `profile`, `language`, `schema`, `script`, `ocr`, and the
 * alignment policy's `fuzzy`, `maxEditRatio`, `nearMisses`), a JSON body
 * (`{ "text": ..., "profile", "language", "schema" }`), or the raw bytes as the body
 * (a PDF, an image, XML, text or application/octet-stream) with options in the query string.
 * Files and raw bodies are spooled as they stream in (spool.ts): in memory up to EXTRACT_SYNC_MAX_BYTES,
 * to a file under DATA_DIR/uploads past it, refused past MAX_UPLOAD_BYTES; never buffered whole. A
 * JSON body is parsed in memory (its size is bounded by MAX_UPLOAD_BYTES and, with the others, by
 * MAX_UPLOAD_BYTES_IN_FLIGHT).
 */
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config.js";
import { PalimpsestError } from "../errors.js";
import { requestAlignment } from "../pipeline/ground/policy.js";
import { MODEL_LIST, SCRIPT_CODE } from "../pipeline/ocr/models.js";
import { uploadTooLarge } from "./error-handler.js";
import { discard, type Spooled, spool } from "./spool.js";

export interface UploadOptions {
  profile?: string;
  language?: string;
  /** A custom extraction profile (JSON Schema), as an object or JSON text. */
  schema?: unknown;
  /** ISO 15924 script of a scanned document (Latf: Fraktur), for the choice of OCR models. */
  script?: string;
  /** Tesseract models to read scans with, joined by "+" (e.g. "ita_old+lat"). */
  ocr?: string;
  /** The alignment policy asked for (see pipeline/ground/policy.ts), as sent. */
  fuzzy?: string;
  maxEditRatio?: string;
  nearMisses?: string;
}

export interface Upload {
  /** The document's bytes: in memory when small (or sent as JSON), else in a file. */
  content: Spooled;
  filename?: string;
  options: UploadOptions;
}

type UploadConfig = Pick<Config, "dataDir" | "maxUploadBytes" | "extractSyncMaxBytes">;

const ALIGNMENT_OPTIONS = ["fuzzy", "maxEditRatio", "nearMisses"] as const;
const OPTION_NAMES = ["profile", "language", "schema", "script", "ocr", ...ALIGNMENT_OPTIONS] as const;

/**
 * The document and its options. The file of a large upload is removed once the response is sent (or
 * the connection lost): by then it is stored, or refused.
 */
export async function readUpload(
  request: FastifyRequest,
  reply: FastifyReply,
  config: UploadConfig,
): Promise<Upload> {
  const upload = await receive(request, config);
  reply.raw.once("close", () => {
    discard(upload.content).catch((error: unknown) =>
      request.log.warn({ err: error }, "an upload's file could not be removed"),
    );
  });
  return upload;
}

async function receive(request: FastifyRequest, config: UploadConfig): Promise<Upload> {
  const query = pickOptions(request.query);
  const save = (source: AsyncIterable<Uint8Array>) =>
    spool(source, {
      memoryBytes: config.extractSyncMaxBytes,
      maxBytes: config.maxUploadBytes,
      dir: join(config.dataDir, "uploads"),
      tooLarge: () => uploadTooLarge(config.maxUploadBytes),
    });
  if (request.isMultipart()) return readMultipart(request, query, save);
  const body = request.body;
  if (isStream(body)) {
    const filename = queryFilename(request);
    return { content: await save(body), ...(filename ? { filename } : {}), options: query };
  }
  if (body && typeof body === "object") {
    const json = body as Record<string, unknown>;
    if (typeof json.text !== "string") {
      throw new PalimpsestError("BAD_REQUEST", 'A JSON request needs a "text" field with the document text.');
    }
    const filename = typeof json.filename === "string" ? json.filename : undefined;
    const bytes = Buffer.from(json.text, "utf8");
    return {
      content: { size: bytes.byteLength, bytes },
      ...(filename ? { filename } : {}),
      options: { ...query, ...pickOptions(json) },
    };
  }
  throw new PalimpsestError(
    "UNSUPPORTED_MEDIA_TYPE",
    'Send the document as multipart/form-data (field "file"), as JSON {"text": ...}, or as the raw file with Content-Type application/pdf, text/plain or application/octet-stream.',
  );
}

function isStream(body: unknown): body is Readable {
  return typeof (body as Readable | undefined)?.pipe === "function";
}

async function readMultipart(
  request: FastifyRequest,
  query: UploadOptions,
  save: (source: AsyncIterable<Uint8Array>) => Promise<Spooled>,
): Promise<Upload> {
  const fields: Record<string, unknown> = {};
  let file: { content: Spooled; filename: string } | undefined;
  try {
    // Fields may come after the file: they are read once it is spooled.
    for await (const part of request.parts()) {
      if (part.type === "file") {
        if (file)
          throw new PalimpsestError("BAD_REQUEST", "Send one file per request; use batch jobs for many.");
        file = { content: await save(part.file), filename: part.filename };
      } else if (part.valueTruncated) {
        // Cut at the multipart field limit: parsing what is left would only report broken JSON.
        throw new PalimpsestError(
          "PAYLOAD_TOO_LARGE",
          `The field "${part.fieldname}" is larger than a text field may be (SCHEMA_MAX_BYTES).`,
        );
      } else {
        fields[part.fieldname] = part.value;
      }
    }
    if (!file)
      throw new PalimpsestError(
        "BAD_REQUEST",
        'The multipart upload has no file: send it in a field named "file".',
      );
    return { ...file, options: { ...query, ...pickOptions(fields) } };
  } catch (error) {
    if (file) await discard(file.content);
    throw error;
  }
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
    // A JSON body may give the alignment options as a boolean or a number.
    const scalar =
      (ALIGNMENT_OPTIONS as readonly string[]).includes(name) &&
      (typeof value === "boolean" || typeof value === "number");
    if (name !== "schema" && typeof value !== "string" && !scalar) {
      throw new PalimpsestError("BAD_REQUEST", `The option "${name}" must be a string.`);
    }
    options[name] = scalar ? String(value) : (value as string);
  }
  requestAlignment(options);
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
