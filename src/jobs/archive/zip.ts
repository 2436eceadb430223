/**
 * Reads a ZIP file entry by entry with yauzl (lazily: memory does not grow with the entry count).
 * Names are decoded but not validated here (decodeStrings off), so that an unsafe name skips its entry
 * instead of aborting the archive; yauzl checks every entry's real size against the declared one.
 */
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { PalimpsestError } from "../../errors.js";
import type { ArchiveEntry, EntryType } from "./entry.js";

const UNIX = 3;
const FILE_TYPE_MASK = 0o170000;
// A Map, not an object literal: the file types are octal constants and must stay exactly these.
const MODES = new Map<number, EntryType>([
  [0o100000, "file"],
  [0o040000, "directory"],
  [0o120000, "symlink"],
]);

/** `onBytes` sees every byte inflated (before it is handed over), so a zip bomb is stopped while it inflates. */
export async function* zipEntries(
  file: string,
  options: { onBytes: (bytes: number) => void },
): AsyncGenerator<ArchiveEntry> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { decodeStrings: false, validateEntrySizes: true });
  } catch (error) {
    throw unreadable(error);
  }
  const entries = zip.eachEntry();
  try {
    for (;;) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await entries.next();
      } catch (error) {
        throw unreadable(error);
      }
      if (next.done) return;
      const entry = next.value;
      const name = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        true,
      );
      let stream: Readable | undefined;
      yield {
        name,
        type: entryType(entry, name),
        encrypted: entry.isEncrypted(),
        size: entry.uncompressedSize,
        async *content() {
          stream = await zip.openReadStreamPromise(entry);
          for await (const chunk of stream) {
            options.onBytes(chunk.byteLength);
            yield chunk;
          }
        },
      };
      stream?.destroy();
    }
  } finally {
    zip.close();
  }
}

function entryType(entry: yauzl.Entry, name: string): EntryType {
  if (name.endsWith("/") || name.endsWith("\\")) return "directory";
  // Only archives made on Unix carry a file type in the high bits of the external attributes.
  if (entry.versionMadeBy >> 8 !== UNIX) return "file";
  const mode = (entry.externalFileAttributes >>> 16) & FILE_TYPE_MASK;
  if (mode === 0) return "file";
  return MODES.get(mode) ?? "special";
}

function unreadable(error: unknown): PalimpsestError {
  return new PalimpsestError(
    "ARCHIVE_UNREADABLE",
    `The ZIP archive cannot be read: ${(error as Error).message}.`,
    { cause: error },
  );
}
