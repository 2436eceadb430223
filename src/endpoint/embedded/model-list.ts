/** What MODELS_DIR holds: complete model files and downloads in progress, with what is known of each. */
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { type CheckedAgainst, readPartialInfo, readVerified, SUFFIXES } from "./model-store.js";

export type ModelFileEntry =
  | {
      state: "complete";
      /** The model file's absolute path. */
      file: string;
      /** Its path relative to MODELS_DIR. */
      storedAs: string;
      /** The reference it was downloaded for, when recorded. */
      reference: string | undefined;
      bytes: number;
      /** Its sha256, when computed and still valid for the file as it is. */
      sha256: string | undefined;
      checkedAgainst: CheckedAgainst | undefined;
    }
  | {
      state: "partial";
      /** The path the file will have once complete. */
      file: string;
      storedAs: string;
      reference: string | undefined;
      bytes: number;
      totalBytes: number | undefined;
    };

/** Leftovers of an interrupted write or lock take-over, never model files. */
const SCRATCH = /\.(tmp|stale)$/;

export async function listModelFiles(modelsDir: string): Promise<ModelFileEntry[]> {
  const entries: ModelFileEntry[] = [];
  for (const path of await filesUnder(modelsDir)) {
    if (path.endsWith(SUFFIXES.partial)) {
      const file = path.slice(0, -SUFFIXES.partial.length);
      const info = await readPartialInfo(file);
      entries.push({
        state: "partial",
        file,
        storedAs: relative(modelsDir, file),
        reference: info?.reference,
        bytes: (await stat(path)).size,
        totalBytes: info?.size,
      });
      continue;
    }
    if (Object.values(SUFFIXES).some((suffix) => path.endsWith(suffix)) || SCRATCH.test(path)) continue;
    const record = await readVerified(path);
    entries.push({
      state: "complete",
      file: path,
      storedAs: relative(modelsDir, path),
      reference: record?.reference,
      bytes: (await stat(path)).size,
      sha256: record?.sha256,
      checkedAgainst: record?.checkedAgainst,
    });
  }
  return entries.sort((a, b) => a.storedAs.localeCompare(b.storedAs));
}

async function filesUnder(dir: string): Promise<string[]> {
  const found = await readdir(dir, { withFileTypes: true, recursive: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    },
  );
  return found.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
