/**
 * An upload's bytes as they arrive: kept in memory while they fit in `memoryBytes` (a document small
 * enough to be extracted during the request), written to a file under DATA_DIR/uploads past it. So
 * memory does not grow with the size of uploads, nor with their number. Past `maxBytes` it stops
 * with PAYLOAD_TOO_LARGE and keeps nothing.
 */
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { PalimpsestError } from "../errors.js";

export type Spooled = { size: number } & ({ bytes: Buffer; file?: never } | { file: string; bytes?: never });

export interface SpoolOptions {
  memoryBytes: number;
  maxBytes: number;
  /** Folder of the files (DATA_DIR/uploads). */
  dir: string;
  tooLarge: () => PalimpsestError;
}

export async function spool(source: AsyncIterable<Uint8Array>, options: SpoolOptions): Promise<Spooled> {
  const chunks = source[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let size = 0;
  const next = async () => {
    const chunk = await chunks.next();
    if (chunk.done) return undefined;
    size += chunk.value.byteLength;
    if (size > options.maxBytes) throw options.tooLarge();
    return chunk.value;
  };
  for (let chunk = await next(); ; chunk = await next()) {
    if (chunk === undefined) return { size, bytes: Buffer.concat(held, size) };
    held.push(chunk);
    if (size > options.memoryBytes) break;
  }
  await mkdir(options.dir, { recursive: true });
  const file = join(options.dir, randomUUID());
  try {
    await pipeline(async function* () {
      // What was held goes first; the memory is let go as the file takes it.
      for (let chunk = held.shift(); chunk !== undefined; chunk = held.shift()) yield chunk;
      for (let chunk = await next(); chunk !== undefined; chunk = await next()) yield chunk;
    }, createWriteStream(file));
    return { size, file };
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}

/** The spooled bytes, in order, as the blob store takes them. */
export function spooledBytes(spooled: Spooled): Iterable<Uint8Array> | AsyncIterable<Uint8Array> {
  return spooled.bytes ? [spooled.bytes] : createReadStream(spooled.file);
}

/** Removes the file of a spooled upload, once it is stored or refused. */
export async function discard(spooled: Spooled): Promise<void> {
  if (spooled.file) await rm(spooled.file, { force: true });
}
