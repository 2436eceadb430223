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
import type { MetsPackages } from "./mets-packages.js";

/**
 * A folder's files, `prefix` being the folder's path in the batch (for a folder a list names). Its METS
 * files are found first; the files of their pages are then packaged with them, not read alone.
 */
export async function admitFolder(intake: Intake, root: string, prefix = ""): Promise<void> {
  const found = new Map<string, string>();
  for await (const path of filesOf(root)) {
    const stream = createReadStream(join(root, path));
    try {
      const xml = await intake.metsText(path, stream);
      if (xml !== undefined) found.set(path, xml);
    } finally {
      stream.destroy();
    }
  }
  const packages = intake.packagesOf(found);
  await walkFolder(intake, root, prefix, "", packages);
  if (packages) await intake.admitPackages(packages, (path) => join(root, path), prefix);
}

/** The regular files under `root` (hidden ones and hidden folders left out), by path from it. */
async function* filesOf(root: string, under = ""): AsyncGenerator<string> {
  const entries = await readdir(join(root, under), { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory()) yield* filesOf(root, `${under}${entry.name}/`);
    else if (entry.isFile()) yield `${under}${entry.name}`;
  }
}

async function walkFolder(
  intake: Intake,
  root: string,
  prefix: string,
  under: string,
  packages: MetsPackages | undefined,
): Promise<void> {
  const entries = await readdir(join(root, under), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = `${under}${entry.name}`;
    const path = `${prefix}${relative}`;
    const full = join(root, relative);
    if (entry.isDirectory()) {
      if (entry.name.startsWith("."))
        await intake.skip(`${path}/`, new SkipEntry("NOT_A_DOCUMENT", "hidden folder"));
      else await walkFolder(intake, root, prefix, `${relative}/`, packages);
    } else if (entry.isFile()) {
      // A METS file and the files of its pages make one document, admitted after the walk.
      if (!packages?.claims(relative)) await admitFile(intake, path, full);
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
