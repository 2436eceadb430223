/** One member of an archive, as the ZIP and TAR readers hand it over; and how archives are recognised. */
import { open } from "node:fs/promises";

export type EntryType = "file" | "directory" | "symlink" | "special";

export interface ArchiveEntry {
  /** The name as stored: untrusted (see entry-path.ts). */
  name: string;
  type: EntryType;
  encrypted: boolean;
  /** Size the archive declares (ZIP sizes are checked against the data as it is read). */
  size: number;
  /**
   * The member's bytes. Read it, or not, before asking for the next entry: the reader discards what
   * is left, so a caller may stop after the first bytes.
   */
  content(): AsyncIterable<Uint8Array>;
}

export type ArchiveFormat = "zip" | "tar" | "gzip";

/** Bytes needed to recognise an archive (TAR's "ustar" sits at offset 257). */
export const ARCHIVE_HEAD_BYTES = 512;

export function archiveFormat(head: Uint8Array): ArchiveFormat | undefined {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (bytes.subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"))) return "zip";
  // An empty ZIP is only its end-of-central-directory record.
  if (bytes.subarray(0, 4).equals(Buffer.from("PK\x05\x06", "latin1"))) return "zip";
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return "gzip";
  if (bytes.subarray(257, 262).toString("latin1") === "ustar") return "tar";
  return undefined;
}

/** The archive format of a file on disk, from its first bytes. */
export async function archiveFormatOfFile(file: string): Promise<ArchiveFormat | undefined> {
  const handle = await open(file);
  try {
    const { buffer, bytesRead } = await handle.read(
      Buffer.alloc(ARCHIVE_HEAD_BYTES),
      0,
      ARCHIVE_HEAD_BYTES,
      0,
    );
    return archiveFormat(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
