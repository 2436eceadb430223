/**
 * The files kept beside a downloaded model in MODELS_DIR:
 * - `<file>.partial`: the download in progress (renamed to `<file>` once complete and verified);
 * - `<file>.partial.json`: what that partial is (reference, URL, expected size), for `models list`;
 * - `<file>.verified.json`: the sha256 of the complete file with the size and time it had when hashed,
 *   so a 600 MB file is not hashed again at every start;
 * - `<file>.lock`: held by the one process downloading the file.
 */
import { randomUUID } from "node:crypto";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";

export const SUFFIXES = {
  partial: ".partial",
  partialInfo: ".partial.json",
  verified: ".verified.json",
  lock: ".lock",
} as const;

export function sidePaths(file: string) {
  return {
    partial: file + SUFFIXES.partial,
    partialInfo: file + SUFFIXES.partialInfo,
    verified: file + SUFFIXES.verified,
    lock: file + SUFFIXES.lock,
  };
}

/** What the sha256 of a file was compared with: a person's or the hub's published value, or nothing. */
export type CheckedAgainst = "BLOOM_MODEL_SHA256" | "default model" | "hub" | "none";

export interface VerifiedRecord {
  reference?: string;
  sha256: string;
  checkedAgainst: CheckedAgainst;
  size: number;
  mtimeMs: number;
}

export interface PartialInfo {
  reference: string;
  url: string;
  /** Bytes of the complete file, when the server said. */
  size?: number;
}

/** The record of a file, if it still describes the file as it is now (same size, not modified since). */
export async function readVerified(file: string): Promise<VerifiedRecord | undefined> {
  const record = await readJson<VerifiedRecord>(sidePaths(file).verified);
  if (!record) return undefined;
  const now = await stat(file).catch(() => undefined);
  return now && now.size === record.size && now.mtimeMs === record.mtimeMs ? record : undefined;
}

export async function writeVerified(
  file: string,
  record: Omit<VerifiedRecord, "size" | "mtimeMs">,
): Promise<VerifiedRecord> {
  const { size, mtimeMs } = await stat(file);
  const full = { ...record, size, mtimeMs };
  await writeJsonAtomically(sidePaths(file).verified, full);
  return full;
}

export function readPartialInfo(file: string): Promise<PartialInfo | undefined> {
  return readJson<PartialInfo>(sidePaths(file).partialInfo);
}

export function writePartialInfo(file: string, info: PartialInfo): Promise<void> {
  return writeJsonAtomically(sidePaths(file).partialInfo, info);
}

/** Forgets the partial download (a checksum that does not match, a server that changed the file). */
export async function removePartial(file: string): Promise<void> {
  const paths = sidePaths(file);
  await rm(paths.partial, { force: true });
  await rm(paths.partialInfo, { force: true });
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    // Missing, or cut short by a crash: as if there were none (the file is then hashed again).
    return undefined;
  }
}

/** Two processes may write the same record at once: each writes its own file and renames it in. */
async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, path);
}
