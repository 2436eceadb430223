/**
 * What a download's answer must agree with before and after its bytes are written: the range asked for,
 * the size the hub announced, the sha256 a person or the hub gave, the free disk space.
 */
import { statfs } from "node:fs/promises";
import { dirname } from "node:path";
import { DownloadError } from "./download-error.js";
import type { CheckedAgainst } from "./model-store.js";
import { megabytes } from "./progress.js";

export interface ExpectedSha256 {
  sha256: string;
  from: Exclude<CheckedAgainst, "none">;
}

export function describeSource(from: ExpectedSha256["from"]): string {
  if (from === "hub") return "the hub's checksum of the file";
  if (from === "default model") return "the known checksum of the default model";
  return "BLOOM_MODEL_SHA256";
}

/** A person's value wins; the hub's is the fallback. Both given and different: the hub serves another file. */
export function expectedSha256(
  configured: ExpectedSha256 | undefined,
  hubSha256: string | undefined,
): ExpectedSha256 | undefined {
  if (configured && hubSha256 && configured.sha256 !== hubSha256)
    throw new DownloadError(
      `the hub now serves a file whose sha256 is ${hubSha256}, not ${configured.sha256} (${describeSource(configured.from)}); set BLOOM_MODEL_SHA256 to the new value if you trust it, or pin a revision with hf:owner/repo@revision/file`,
    );
  return configured ?? (hubSha256 ? { sha256: hubSha256, from: "hub" } : undefined);
}

/** Where a 206 answer starts: it must be where the partial ends. */
export function rangeStart(response: Response, offset: number): number {
  const start = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "")?.[1];
  if (Number(start) !== offset)
    throw new DownloadError(
      `the server answered the range from ${offset} with ${response.headers.get("content-range")}`,
    );
  return offset;
}

/** The complete file's size, from the answer itself and from the hub; both known and different is an error. */
export function announcedSize(
  response: Response,
  start: number,
  hubSize: number | undefined,
): number | undefined {
  const rangeTotal = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "")?.[1];
  const length = response.headers.get("content-length");
  const served =
    rangeTotal !== undefined ? Number(rangeTotal) : length !== null ? start + Number(length) : undefined;
  if (served !== undefined && hubSize !== undefined && served !== hubSize)
    throw new DownloadError(`the hub announces ${hubSize} bytes but the download server sends ${served}`);
  return served ?? hubSize;
}

export async function checkFreeSpace(file: string, needed: number): Promise<void> {
  const folder = dirname(file);
  const { bavail, bsize } = await statfs(folder);
  const free = bavail * bsize;
  if (free < needed)
    throw new DownloadError(
      `not enough free disk space: ${megabytes(needed)} is needed in ${folder}, ${megabytes(free)} is free`,
    );
}
