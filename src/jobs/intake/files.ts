/**
 * The CLI's local sources: a folder (walked in name order, hidden files and folders left out) and a
 * list file (one path a line, relative to the list; blank lines and # comments ignored). Archives found
 * among the files are unpacked like uploaded ones.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { SkipEntry } from "../archive/skip-reasons.js";
import type { Intake } from "./intake.js";

export async function admitFolder(intake: Intake, root: string, prefix = ""): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = `${prefix}${entry.name}`;
    const full = join(root, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith("."))
        await intake.skip(`${path}/`, new SkipEntry("NOT_A_DOCUMENT", "hidden folder"));
      else await admitFolder(intake, full, `${path}/`);
    } else if (entry.isFile()) {
      await admitFile(intake, path, full);
    } else if (entry.isSymbolicLink()) {
      // A link to a file is a file the user put there; a link to a folder could loop.
      const target = await stat(full).catch(() => undefined);
      if (target?.isFile()) await admitFile(intake, path, full);
      else await intake.skip(path, new SkipEntry("SYMLINK", target ? "a link to a folder" : "a broken link"));
    } else {
      await intake.skip(path, new SkipEntry("SPECIAL_FILE"));
    }
  }
}

export async function admitList(intake: Intake, listFile: string): Promise<void> {
  const lines = createInterface({ input: createReadStream(listFile), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const path = line.trim();
    if (path === "" || path.startsWith("#")) continue;
    const full = resolve(dirname(listFile), path);
    const info = await stat(full).catch(() => undefined);
    if (!info) await intake.skip(path, new SkipEntry("NOT_FOUND", full));
    else if (info.isDirectory()) await admitFolder(intake, full, `${path.replace(/\/+$/, "")}/`);
    else if (info.isFile()) await admitFile(intake, path, full);
    else await intake.skip(path, new SkipEntry("SPECIAL_FILE"));
  }
}

async function admitFile(intake: Intake, path: string, full: string): Promise<void> {
  const { size } = await stat(full);
  const stream = createReadStream(full);
  try {
    await intake.admit(path, stream, { depth: 0, size });
  } finally {
    stream.destroy();
  }
}
