/**
 * A METS package as one stored document: an uncompressed TAR whose first member,
 * `palimpsest-package.json`, says which METS it is (its path in the package) and, for a METS that makes
 * one document per logical unit, which unit; the METS file and the files its pages are read from follow
 * under their paths in the package. The batch intake makes it from an archive or a folder; its bytes,
 * hashed, are the document's id, so the same package read twice is the same document.
 */
import { Readable } from "node:stream";
import tar from "tar-stream";
import { PalimpsestError } from "../../../errors.js";

export const DESCRIPTOR_NAME = "palimpsest-package.json";

export interface PackageDescriptor {
  format: "mets";
  /** The METS file's path in the package. */
  mets: string;
  /** The logical division the document is, when the METS makes several. */
  unit?: string;
}

export interface BundleMember {
  path: string;
  size: number;
  content(): AsyncIterable<Uint8Array>;
}

/** TAR's name field: the first 100 bytes of the first header. */
const NAME_FIELD = 100;

/** Whether the bytes are a package made by bundlePackage (recognised from the first TAR header). */
export function isPackageBundle(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 512) return false;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, 512);
  if (head.subarray(257, 262).toString("latin1") !== "ustar") return false;
  const name = head.subarray(0, NAME_FIELD).toString("latin1").replace(/\0.*$/s, "");
  return name === DESCRIPTOR_NAME;
}

/** The package's bytes, as they are made: members in the order given, the descriptor first. */
export async function* bundlePackage(
  descriptor: PackageDescriptor,
  members: Iterable<BundleMember> | AsyncIterable<BundleMember>,
): AsyncGenerator<Uint8Array> {
  const pack = tar.pack();
  const writing = (async () => {
    await add(
      pack,
      { path: DESCRIPTOR_NAME, size: 0, content: async function* () {} },
      Buffer.from(JSON.stringify(descriptor)),
    );
    for await (const member of members) await add(pack, member);
    pack.finalize();
  })();
  writing.catch((error: unknown) => pack.destroy(error as Error));
  for await (const chunk of pack as AsyncIterable<Uint8Array>) yield chunk;
  await writing;
}

/** TAR blocks: a header, and the data padded to whole blocks. */
const BLOCK = 512;
/** ustar keeps names up to 100 bytes (and a 155-byte prefix); longer ones add an extended header. */
const SHORT_NAME = 100;

/** The size of a package of these members: what its bytes will count, for limits and quotas. */
export function bundleSize(members: readonly BundleMember[]): number {
  const entry = (path: string, size: number) =>
    BLOCK + Math.ceil(size / BLOCK) * BLOCK + (Buffer.byteLength(path) > SHORT_NAME ? 2 * BLOCK : 0);
  // The descriptor, the members, and the two empty blocks that end a TAR.
  return (
    entry(DESCRIPTOR_NAME, BLOCK) + members.reduce((sum, m) => sum + entry(m.path, m.size), 0) + 2 * BLOCK
  );
}

/** Every member of a package in memory, by path, and its descriptor. */
export async function readPackageBundle(
  bytes: Uint8Array,
): Promise<{ descriptor: PackageDescriptor; files: Map<string, Buffer> }> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  Readable.from([bytes]).pipe(extract);
  try {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
      if (entry.header.type === "file") files.set(entry.header.name, Buffer.concat(chunks));
    }
  } catch (error) {
    throw new PalimpsestError(
      "CORRUPT_DOCUMENT",
      `The METS package cannot be read: ${(error as Error).message}.`,
      {
        cause: error,
      },
    );
  }
  const raw = files.get(DESCRIPTOR_NAME);
  let descriptor: unknown;
  try {
    descriptor = raw && JSON.parse(raw.toString("utf8"));
  } catch {
    descriptor = undefined;
  }
  if (!isDescriptor(descriptor))
    throw new PalimpsestError(
      "CORRUPT_DOCUMENT",
      `The METS package has no readable ${DESCRIPTOR_NAME}: it was not made by Palimpsest, or it is damaged.`,
    );
  files.delete(DESCRIPTOR_NAME);
  return { descriptor, files };
}

function isDescriptor(value: unknown): value is PackageDescriptor {
  const candidate = value as Partial<PackageDescriptor> | undefined;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    candidate.format === "mets" &&
    typeof candidate.mets === "string" &&
    (candidate.unit === undefined || typeof candidate.unit === "string")
  );
}

async function add(pack: tar.Pack, member: BundleMember, data?: Buffer): Promise<void> {
  const size = data?.length ?? member.size;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    if (data) {
      pack.entry({ name: member.path, size, mtime: new Date(0), mode: 0o644 }, data, done);
      return;
    }
    const sink = pack.entry({ name: member.path, size, mtime: new Date(0), mode: 0o644 }, done);
    Readable.from(member.content()).pipe(sink);
  });
}
