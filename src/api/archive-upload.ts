/**
 * Receives a batch's archive: streamed to a file under DATA_DIR/uploads as it arrives, never held in
 * memory, and refused (413) as soon as it passes MAX_ARCHIVE_BYTES. Sent as multipart (field `file`;
 * options as fields or in the query string) or as the raw body (application/zip, application/x-tar,
 * application/gzip, application/octet-stream; its file name in the query's `filename`).
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyRequest } from "fastify";
import type { Config } from "../config.js";
import { PalimpsestError } from "../errors.js";
import { archiveFormatOfFile } from "../jobs/archive/entry.js";
import { pickOptions, queryFilename, type UploadOptions } from "./upload.js";

export const ARCHIVE_TYPES = [
  "application/zip",
  "application/x-zip-compressed",
  "application/x-tar",
  "application/gzip",
  "application/x-gzip",
  "application/octet-stream",
];

/** The options of an archive upload, and the archive's own file name when the upload gave one. */
interface Received {
  options: UploadOptions;
  filename?: string;
}

export async function receiveArchive(
  request: FastifyRequest,
  config: Pick<Config, "dataDir" | "maxArchiveBytes">,
): Promise<Received & { file: string }> {
  const dir = join(config.dataDir, "uploads");
  await mkdir(dir, { recursive: true });
  const file = join(dir, randomUUID());
  try {
    const received = request.isMultipart()
      ? await saveMultipart(request, file, config.maxArchiveBytes)
      : await saveBody(request, file, config.maxArchiveBytes);
    if (!(await archiveFormatOfFile(file)))
      throw new PalimpsestError(
        "UNSUPPORTED_MEDIA_TYPE",
        "A batch is a ZIP or TAR archive (a .tar.gz too); the upload is none of these.",
      );
    return { file, ...received };
  } catch (error) {
    await rm(file, { force: true });
    // @fastify/multipart stops a file at the limit with its own error.
    if ((error as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE")
      throw tooLarge(config.maxArchiveBytes);
    throw error;
  }
}

function tooLarge(maxBytes: number): PalimpsestError {
  return new PalimpsestError(
    "PAYLOAD_TOO_LARGE",
    `The archive is larger than the limit of ${maxBytes} bytes (MAX_ARCHIVE_BYTES).`,
    { details: { limit: maxBytes } },
  );
}

async function saveBody(request: FastifyRequest, file: string, maxBytes: number): Promise<Received> {
  const body = request.body as Readable | undefined;
  if (!body || typeof body.pipe !== "function")
    throw new PalimpsestError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Send the archive as multipart/form-data (field "file") or as the raw body with Content-Type ${ARCHIVE_TYPES.join(", ")}.`,
    );
  await save(body, file, maxBytes);
  const filename = queryFilename(request);
  return { options: pickOptions(request.query), ...(filename ? { filename } : {}) };
}

async function saveMultipart(request: FastifyRequest, file: string, maxBytes: number): Promise<Received> {
  const fields: Record<string, unknown> = {};
  let received = false;
  let filename = "";
  for await (const part of request.parts({ limits: { fileSize: maxBytes } })) {
    if (part.type === "field") fields[part.fieldname] = part.value;
    else {
      await save(part.file, file, maxBytes);
      received = true;
      filename = part.filename;
    }
  }
  if (!received)
    throw new PalimpsestError(
      "BAD_REQUEST",
      'The multipart upload has no file: send the archive in a field named "file".',
    );
  return {
    options: { ...pickOptions(request.query), ...pickOptions(fields) },
    ...(filename ? { filename } : {}),
  };
}

async function save(source: Readable, file: string, maxBytes: number): Promise<void> {
  let size = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        if (size > maxBytes) throw tooLarge(maxBytes);
        yield chunk;
      }
    },
    createWriteStream(file),
  );
}
