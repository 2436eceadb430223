/** sha256 of a file, read as a stream (model files are hundreds of megabytes). */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Feeds the file's bytes into `hash` (a new sha256 unless given) and returns it, not yet digested. */
export async function hashFile(
  path: string,
  signal?: AbortSignal,
  hash: Hash = createHash("sha256"),
): Promise<Hash> {
  for await (const chunk of createReadStream(path, { signal, highWaterMark: 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return hash;
}
