/**
 * Archives for tests, well-formed and crafted: yazl and tar-stream build them; the crafted ones are
 * patched afterwards, since both libraries refuse to write unsafe names (as they should).
 */
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import yazl from "yazl";

export interface ZipMember {
  name: string;
  data?: string | Buffer;
  /** Unix mode with file type, e.g. 0o120777 for a symbolic link. */
  mode?: number;
  directory?: boolean;
  compress?: boolean;
}

function zipOf(members: readonly ZipMember[]): yazl.ZipFile {
  const zip = new yazl.ZipFile();
  for (const member of members) {
    if (member.directory) zip.addEmptyDirectory(member.name);
    else
      zip.addBuffer(Buffer.from(member.data ?? ""), member.name, {
        ...(member.mode === undefined ? {} : { mode: member.mode }),
        compress: member.compress ?? true,
      });
  }
  zip.end();
  return zip;
}

export async function buildZip(members: readonly ZipMember[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of zipOf(members).outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes a ZIP to disk as it is made, for archives too large to hold in memory. */
export async function writeZip(file: string, members: Iterable<ZipMember>): Promise<void> {
  const zip = new yazl.ZipFile();
  const done = pipeline(zip.outputStream, createWriteStream(file));
  for (const member of members) zip.addBuffer(Buffer.from(member.data ?? ""), member.name);
  zip.end();
  await done;
}

/** Renames a member in place (local header and central directory); names must have the same length. */
export function renameInZip(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error("names must have the same length");
  const patched = Buffer.from(zip);
  const needle = Buffer.from(from);
  for (let at = patched.indexOf(needle); at !== -1; at = patched.indexOf(needle, at + 1))
    Buffer.from(to).copy(patched, at);
  return patched;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;

/** Applies `patch` to the headers (local and central) of the member called `name`. */
function patchHeaders(
  zip: Buffer,
  name: string,
  patch: (header: Buffer, flagsAt: number, methodAt: number) => void,
) {
  const patched = Buffer.from(zip);
  for (let at = 0; at + 46 < patched.length; at++) {
    const signature = patched.readUInt32LE(at);
    if (signature !== LOCAL && signature !== CENTRAL) continue;
    const central = signature === CENTRAL;
    const nameLength = patched.readUInt16LE(at + (central ? 28 : 26));
    const nameAt = at + (central ? 46 : 30);
    if (patched.subarray(nameAt, nameAt + nameLength).toString() !== name) continue;
    patch(patched, at + (central ? 8 : 6), at + (central ? 10 : 8));
  }
  return patched;
}

export const markEncrypted = (zip: Buffer, name: string) =>
  patchHeaders(zip, name, (header, flagsAt) =>
    header.writeUInt16LE(header.readUInt16LE(flagsAt) | 1, flagsAt),
  );

/** Claims a compression method yauzl cannot decode (12, bzip2). */
export const markBzip2 = (zip: Buffer, name: string) =>
  patchHeaders(zip, name, (header, _flagsAt, methodAt) => header.writeUInt16LE(12, methodAt));

export interface TarMember {
  name: string;
  data?: string | Buffer;
  type?: "file" | "directory" | "symlink" | "link" | "fifo";
  linkname?: string;
}

export async function buildTar(
  members: readonly TarMember[],
  options: { gzip?: boolean } = {},
): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const member of members) {
    const type = member.type ?? "file";
    const data = type === "file" ? Buffer.from(member.data ?? "") : undefined;
    await new Promise<void>((resolve, reject) => {
      const header = { name: member.name, type, ...(member.linkname ? { linkname: member.linkname } : {}) };
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (data) pack.entry({ ...header, size: data.length }, data, done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  await collected;
  const archive = Buffer.concat(chunks);
  return options.gzip ? gzipSync(archive) : archive;
}
