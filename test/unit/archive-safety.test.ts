/**
 * The unpacker against crafted archives: unsafe names, links, encrypted and unreadable entries and
 * non-documents are skipped and listed; bombs stop the whole batch; one level of nesting is unpacked.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { ArchiveLimits } from "../../src/jobs/archive/budget.js";
import { Intake } from "../../src/jobs/intake/intake.js";
import { FileBlobStore } from "../../src/store/file-blobs.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { buildTar, buildZip, markBzip2, markEncrypted, renameInZip } from "../support/archives.js";

const LIMITS: ArchiveLimits = { maxEntries: 1000, maxUnpackedBytes: 100 * 1024 * 1024, maxRatio: 100 };

async function unpack(
  archive: Buffer,
  options: { limits?: Partial<ArchiveLimits>; maxDocumentBytes?: number } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), "archive-"));
  const file = join(dir, "upload");
  await writeFile(file, archive);
  const store = new SqliteStore(":memory:");
  await store.createJob({
    id: "j",
    kind: "batch",
    state: "unpacking",
    spec: { profile: "default" },
    createdAt: 0,
  });
  const scan = (await store.claimUnpacking("j", "w")) as number;
  const intake = new Intake(
    {
      store,
      blobs: new FileBlobStore(join(dir, "documents")),
      limits: { ...LIMITS, ...options.limits },
      maxDocumentBytes: options.maxDocumentBytes ?? 1024 * 1024,
      scratchDir: join(dir, "tmp"),
      now: () => 0,
    },
    "j",
    scan,
  );
  let error: unknown;
  try {
    await intake.unpackFile(file);
  } catch (caught) {
    error = caught;
  }
  const documents = (await store.listTasks("j", { limit: 1000 })).map((t) => t.path);
  const skipped = Object.fromEntries(
    (await store.listSkipped("j", { limit: 1000 })).map((s) => [s.path, s.reason]),
  );
  return { documents, skipped, error: error as { code?: string; message: string } | undefined };
}

const text = (n: number) => `Lettre ${n} écrite à Bordeaux le 2 mars 1790.`;

describe("unpacking a ZIP", () => {
  it("makes each document a task, in archive order, under its path", async () => {
    const zip = await buildZip([
      { name: "1789/", directory: true },
      { name: "1789/a.txt", data: text(1) },
      { name: "1789/b.txt", data: text(2), compress: false },
      { name: "c.txt", data: text(3) },
    ]);
    expect(await unpack(zip)).toEqual({
      documents: ["1789/a.txt", "1789/b.txt", "c.txt"],
      skipped: {},
      error: undefined,
    });
  });

  it("refuses zip-slip, absolute and drive paths, whatever the separator", async () => {
    let zip = await buildZip([
      { name: "ok.txt", data: text(1) },
      { name: "xx/evil.txt", data: text(2) },
      { name: "xx/xx/win.txt", data: text(3) },
      { name: "yetc/passwd", data: text(4) },
      { name: "Cx/boot.txt", data: text(5) },
    ]);
    zip = renameInZip(zip, "xx/evil.txt", "../evil.txt");
    zip = renameInZip(zip, "xx/xx/win.txt", "..\\..\\win.txt");
    zip = renameInZip(zip, "yetc/passwd", "/etc/passwd");
    zip = renameInZip(zip, "Cx/boot.txt", "C:/boot.txt");
    const result = await unpack(zip);
    expect(result.documents).toEqual(["ok.txt"]);
    expect(result.skipped).toEqual({
      "../evil.txt": "PATH_TRAVERSAL",
      "..\\..\\win.txt": "PATH_TRAVERSAL",
      "/etc/passwd": "ABSOLUTE_PATH",
      "C:/boot.txt": "ABSOLUTE_PATH",
    });
  });

  it("never follows a symbolic link, and reports encrypted and unreadable entries", async () => {
    let zip = await buildZip([
      { name: "link.txt", data: "/etc/passwd", mode: 0o120777 },
      { name: "secret.txt", data: text(1) },
      { name: "bzip2.txt", data: text(2) },
      { name: "ok.txt", data: text(3) },
    ]);
    zip = markBzip2(markEncrypted(zip, "secret.txt"), "bzip2.txt");
    const result = await unpack(zip);
    expect(result.documents).toEqual(["ok.txt"]);
    expect(result.skipped).toEqual({
      "link.txt": "SYMLINK",
      "secret.txt": "ENCRYPTED_ENTRY",
      "bzip2.txt": "UNREADABLE_ENTRY",
    });
  });

  it("skips and lists what is not a document, and a second entry with the same path", async () => {
    const docx = await buildZip([{ name: "word/document.xml", data: "<w:document/>" }]);
    const zip = await buildZip([
      { name: ".DS_Store", data: Buffer.from([0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31]) },
      { name: "__MACOSX/._a.txt", data: "junk" },
      { name: "report.docx", data: docx },
      { name: "archive.7z", data: Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]) },
      { name: "a.txt", data: text(1) },
      { name: "scan.png", data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
    ]);
    const result = await unpack(zip);
    // An image is a document: OCR reads it (or the pipeline refuses it with its own error).
    expect(result.documents).toEqual(["a.txt", "scan.png"]);
    expect(result.skipped).toEqual({
      ".DS_Store": "NOT_A_DOCUMENT",
      "__MACOSX/._a.txt": "NOT_A_DOCUMENT",
      "report.docx": "NOT_A_DOCUMENT",
      "archive.7z": "NOT_A_DOCUMENT",
    });
    const duplicate = await unpack(
      await buildZip([
        { name: "a.txt", data: text(1) },
        { name: "a.txt", data: text(2) },
      ]),
    );
    expect(duplicate).toMatchObject({ documents: ["a.txt"], skipped: { "a.txt": "DUPLICATE_PATH" } });
  });

  it("skips an entry larger than an upload may be, without reading it", async () => {
    const zip = await buildZip([
      { name: "big.txt", data: "x".repeat(5000) },
      { name: "small.txt", data: text(1) },
    ]);
    expect(await unpack(zip, { maxDocumentBytes: 4096 })).toMatchObject({
      documents: ["small.txt"],
      skipped: { "big.txt": "TOO_LARGE" },
    });
  });

  it("unpacks a ZIP or TAR inside it, but not one level deeper", async () => {
    const deepest = await buildZip([{ name: "never.txt", data: text(9) }]);
    const inner = await buildZip([
      { name: "inner.txt", data: text(1) },
      { name: "deeper.zip", data: deepest },
    ]);
    const innerTar = await buildTar([{ name: "t.txt", data: text(2) }], { gzip: true });
    const zip = await buildZip([
      { name: "outer.txt", data: text(3) },
      { name: "sub/inner.zip", data: inner },
      { name: "more.tar.gz", data: innerTar },
    ]);
    expect(await unpack(zip)).toMatchObject({
      documents: ["outer.txt", "sub/inner.zip/inner.txt", "more.tar.gz/t.txt"],
      skipped: { "sub/inner.zip/deeper.zip": "NESTED_TOO_DEEP" },
    });
  });

  it("refuses a file that is not an archive, and a corrupt one", async () => {
    expect((await unpack(Buffer.from("just text, not an archive"))).error?.code).toBe("ARCHIVE_UNREADABLE");
    const zip = await buildZip([{ name: "a.txt", data: text(1) }]);
    expect((await unpack(zip.subarray(0, zip.length - 10))).error?.code).toBe("ARCHIVE_UNREADABLE");
  });
});

describe("zip bombs", () => {
  const zeros = (bytes: number) => Buffer.alloc(bytes);

  it("stops an archive that inflates past the ratio limit, as it inflates", async () => {
    const zip = await buildZip([{ name: "zeros.txt", data: zeros(20 * 1024 * 1024) }]);
    expect(zip.length).toBeLessThan(100 * 1024);
    const result = await unpack(zip, { maxDocumentBytes: 50 * 1024 * 1024 });
    expect(result.error).toMatchObject({ code: "ARCHIVE_LIMIT_EXCEEDED" });
    expect(result.error?.message).toContain("ARCHIVE_MAX_RATIO");
    expect(result.documents).toEqual([]);
  });

  it("stops at the entry count and at the total size", async () => {
    const many = await buildZip(Array.from({ length: 11 }, (_, i) => ({ name: `${i}.txt`, data: text(i) })));
    expect((await unpack(many, { limits: { maxEntries: 10 } })).error?.message).toContain(
      "ARCHIVE_MAX_ENTRIES",
    );
    expect((await unpack(many, { limits: { maxUnpackedBytes: 200 } })).error?.message).toContain(
      "ARCHIVE_MAX_UNPACKED_BYTES",
    );
  });

  it("stops a ZIP whose entries all inflate the same data (overlapping entries)", async () => {
    // One deflated kernel, referenced by every central-directory entry: each claims the whole 1 MiB.
    const kernel = deflateRawSync(zeros(1024 * 1024));
    const zip = overlappingZip(kernel, 1024 * 1024, 50);
    expect((await unpack(zip)).error?.code).toBe("ARCHIVE_LIMIT_EXCEEDED");
  });

  it("stops a gzip-compressed TAR bomb while it inflates, even inside an entry that is skipped", async () => {
    const bomb = await buildTar([{ name: "zeros.txt", data: zeros(20 * 1024 * 1024) }], { gzip: true });
    const result = await unpack(bomb, { maxDocumentBytes: 1024 });
    expect(result.error).toMatchObject({ code: "ARCHIVE_LIMIT_EXCEEDED" });
  });
});

describe("unpacking a TAR", () => {
  it("reads plain and gzip-compressed TARs, skipping links, special files and unsafe names", async () => {
    const members = [
      { name: "dir/", type: "directory" as const },
      { name: "dir/a.txt", data: text(1) },
      { name: "soft", type: "symlink" as const, linkname: "/etc/passwd" },
      { name: "hard", type: "link" as const, linkname: "dir/a.txt" },
      { name: "pipe", type: "fifo" as const },
      { name: "../up.txt", data: text(2) },
      { name: "/abs.txt", data: text(3) },
      { name: "b.txt", data: text(4) },
    ];
    for (const gzip of [false, true]) {
      expect(await unpack(await buildTar(members, { gzip }))).toEqual({
        documents: ["dir/a.txt", "b.txt"],
        skipped: {
          soft: "SYMLINK",
          hard: "SYMLINK",
          pipe: "SPECIAL_FILE",
          "../up.txt": "PATH_TRAVERSAL",
          "/abs.txt": "ABSOLUTE_PATH",
        },
        error: undefined,
      });
    }
  });
});

/**
 * A ZIP of `count` entries whose local headers all point at one deflated kernel (the "overlapping
 * files" bomb): yazl cannot write one, so it is assembled here.
 */
function overlappingZip(kernel: Buffer, size: number, count: number): Buffer {
  const crc = crc32(Buffer.alloc(size));
  const local = Buffer.alloc(30 + 1);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(kernel.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(1, 26);
  local.write("k", 30);
  const centrals = Array.from({ length: count }, (_, i) => {
    const name = `e${i}.txt`;
    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(kernel.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 42);
    central.write(name, 46);
    return central;
  });
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(local.length + kernel.length, 16);
  return Buffer.concat([local, kernel, directory, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
