/**
 * Intake: turns the entries of a source (archive, folder, list) into a job's tasks. Each entry is read
 * once, as a stream: a document is stored by content hash and gets a task; an archive is unpacked (one
 * level of nesting); anything else is skipped and listed with its reason. Memory does not depend on the
 * size of the source: entries are streamed to disk one at a time.
 */

import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isPalimpsestError, PalimpsestError } from "../../errors.js";
import { type BundleMember, bundlePackage, bundleSize } from "../../pipeline/ingest/mets/package-bundle.js";
import type { BlobStore } from "../../store/blobs.js";
import type { Store } from "../../store/port.js";
import { type ArchiveLimits, UnpackBudget } from "../archive/budget.js";
import {
  ARCHIVE_HEAD_BYTES,
  type ArchiveEntry,
  type ArchiveFormat,
  archiveFormatOfFile,
} from "../archive/entry.js";
import { safeEntryPath } from "../archive/entry-path.js";
import { SkipEntry } from "../archive/skip-reasons.js";
import { tarEntries } from "../archive/tar.js";
import { zipEntries } from "../archive/zip.js";
import { classify, systemFile } from "./classify.js";
import { type MetsOptions, MetsPackages, metsText } from "./mets-packages.js";
import { peek } from "./peek.js";

export interface IntakeDeps {
  store: Store;
  blobs: BlobStore;
  limits: ArchiveLimits;
  /** Largest document (MAX_UPLOAD_BYTES): an entry cannot be larger than an upload. */
  maxDocumentBytes: number;
  /** Where a nested ZIP is written to be read (ZIP needs random access). */
  scratchDir: string;
  /** Throws when the job's tenant has no room left for a document of this many bytes (its quota). */
  checkRoom?: (bytes: number) => Promise<void>;
  /** How METS files are read into packages (mets-packages.ts); without it a METS is an ordinary entry. */
  mets?: MetsOptions;
  now: () => number;
}

/** Archive layers above an entry: entries of an uploaded archive are at 1, of an archive in it at 2. */
const MAX_DEPTH = 2;

interface Placement {
  /** Archive layers above the entry. */
  depth: number;
  /** Bytes the entry says it has. */
  size: number;
  /** The budget of the archive the entry comes from. */
  budget?: UnpackBudget;
}

export class Intake {
  constructor(
    private readonly deps: IntakeDeps,
    readonly jobId: string,
    readonly scan: number,
    readonly signal?: AbortSignal,
  ) {}

  async skip(path: string, skipped: SkipEntry): Promise<void> {
    await this.deps.store.addSkipped(
      this.jobId,
      { path, reason: skipped.reason, message: skipped.message },
      this.scan,
    );
  }

  /** Reads one entry; SkipEntry and unreadable entries are recorded, archive-wide refusals thrown. */
  async admit(path: string, content: AsyncIterable<Uint8Array>, placement: Placement): Promise<void> {
    this.signal?.throwIfAborted();
    try {
      await this.admitOrSkip(path, content, placement);
    } catch (error) {
      if (error instanceof SkipEntry) return this.skip(path, error);
      if (isPalimpsestError(error) && error.code === "ARCHIVE_LIMIT_EXCEEDED") throw error;
      if (this.signal?.aborted) throw error;
      const detail = isPalimpsestError(error) || error instanceof Error ? error.message : String(error);
      return this.skip(path, new SkipEntry("UNREADABLE_ENTRY", detail));
    }
  }

  private async admitOrSkip(path: string, content: AsyncIterable<Uint8Array>, placement: Placement) {
    const system = systemFile(path);
    if (system) throw new SkipEntry("NOT_A_DOCUMENT", system);
    const { head, whole } = await peek(content, ARCHIVE_HEAD_BYTES * 16);
    const kind = classify(path, head);
    if (kind.kind === "other") throw new SkipEntry("NOT_A_DOCUMENT", kind.what);
    if (kind.kind === "archive") {
      if (placement.depth >= MAX_DEPTH) throw new SkipEntry("NESTED_TOO_DEEP");
      const budget = placement.budget ?? new UnpackBudget(this.deps.limits, placement.size);
      return this.unpack(kind.format, whole, { prefix: `${path}/`, depth: placement.depth + 1, budget });
    }
    if (placement.size > this.deps.maxDocumentBytes)
      throw new SkipEntry("TOO_LARGE", `${placement.size} bytes`);
    const { store, blobs, maxDocumentBytes, now, checkRoom } = this.deps;
    await checkRoom?.(placement.size).catch((error: unknown) => {
      throw isPalimpsestError(error) && error.code === "QUOTA_EXCEEDED"
        ? new SkipEntry("OVER_QUOTA", error.message)
        : error;
    });
    let blob: { id: string; size: number };
    try {
      blob = await blobs.write(whole, { maxBytes: maxDocumentBytes });
    } catch (error) {
      if (isPalimpsestError(error) && error.code === "PAYLOAD_TOO_LARGE") throw new SkipEntry("TOO_LARGE");
      throw error;
    }
    await store.putDocument({ id: blob.id, byteLength: blob.size, createdAt: now() });
    if (!(await store.upsertTask(this.jobId, path, blob.id, this.scan)))
      throw new SkipEntry("DUPLICATE_PATH");
  }

  /**
   * Unpacks an archive file (an upload, or one given to the CLI): its entries are at depth 1. When it
   * holds METS files, it is read twice: first for them, then for its entries, the files of their pages
   * set aside (in a scratch folder) to be packaged with them.
   */
  async unpackFile(file: string): Promise<void> {
    const size = (await stat(file)).size;
    const format = await archiveFormatOfFile(file);
    if (!format)
      throw new PalimpsestError(
        "ARCHIVE_UNREADABLE",
        "The file is not a ZIP or TAR archive (nor a gzip-compressed TAR).",
      );
    const entries = (budget: UnpackBudget) => {
      const onBytes = (n: number) => budget.countBytes(n);
      return format === "zip"
        ? zipEntries(file, { onBytes })
        : tarEntries(createReadStream(file), { gzip: format === "gzip", onBytes });
    };
    const packages = await this.findMets(entries(new UnpackBudget(this.deps.limits, size)));
    const budget = new UnpackBudget(this.deps.limits, size);
    if (packages === undefined) return this.unpackEntries(entries(budget), { prefix: "", depth: 1, budget });
    const aside = join(this.deps.scratchDir, `mets-${randomUUID()}`);
    try {
      await this.unpackEntries(entries(budget), { prefix: "", depth: 1, budget, packages, aside });
      await this.admitPackages(packages, (path) => join(aside, path));
    } finally {
      await rm(aside, { recursive: true, force: true });
    }
  }

  /** The METS files among the entries, as packages; undefined when there is none (or no METS reading). */
  private async findMets(entries: AsyncIterable<ArchiveEntry>): Promise<MetsPackages | undefined> {
    if (!this.deps.mets) return undefined;
    const found = new Map<string, string>();
    for await (const entry of entries) {
      this.signal?.throwIfAborted();
      if (entry.type !== "file") continue;
      let path: string;
      try {
        path = safeEntryPath(entry.name);
      } catch {
        continue;
      }
      const xml = await this.metsText(path, entry.content());
      if (xml !== undefined) found.set(path, xml);
    }
    return this.packagesOf(found);
  }

  /** The text of a batch entry that is a METS file; undefined for others, or without METS reading. */
  metsText(path: string, content: AsyncIterable<Uint8Array>): Promise<string | undefined> {
    if (!this.deps.mets) return Promise.resolve(undefined);
    return metsText(path, content, this.deps.maxDocumentBytes);
  }

  /** The packages of the METS files found (by path, with their text); undefined for none. */
  packagesOf(found: ReadonlyMap<string, string>): MetsPackages | undefined {
    return this.deps.mets && found.size > 0 ? new MetsPackages(found, this.deps.mets) : undefined;
  }

  /**
   * Makes a document of each METS package (or logical unit) from its files, found by `fileOf` (on
   * disk); its anchor files, which make none, are listed as skipped. `prefix` is the folder's own path
   * in the batch, for a folder a list names.
   */
  async admitPackages(packages: MetsPackages, fileOf: (path: string) => string, prefix = ""): Promise<void> {
    for (const anchor of packages.anchors)
      await this.skip(`${prefix}${anchor.path}`, new SkipEntry("NOT_A_DOCUMENT", anchor.why));
    for (const document of packages.documents) {
      const members: BundleMember[] = [];
      for (const path of document.members) {
        const file = fileOf(path);
        const info = await stat(file).catch(() => undefined);
        // A file the batch lacks is left out: the reader names it in the document's error.
        if (info?.isFile()) members.push({ path, size: info.size, content: () => createReadStream(file) });
      }
      await this.admit(`${prefix}${document.path}`, bundlePackage(document.descriptor, members), {
        depth: 0,
        size: bundleSize(members),
      });
    }
  }

  private async unpack(
    format: ArchiveFormat,
    content: AsyncIterable<Uint8Array>,
    placement: { prefix: string; depth: number; budget: UnpackBudget },
  ): Promise<void> {
    const onBytes = (n: number) => placement.budget.countBytes(n);
    if (format !== "zip")
      return this.unpackEntries(
        tarEntries(Readable.from(content), { gzip: format === "gzip", onBytes }),
        placement,
      );
    // yauzl reads a ZIP's directory at its end, so a nested ZIP goes to a scratch file first.
    await mkdir(this.deps.scratchDir, { recursive: true });
    const scratch = join(this.deps.scratchDir, `${randomUUID()}.zip`);
    try {
      await pipeline(content, createWriteStream(scratch));
      await this.unpackEntries(zipEntries(scratch, { onBytes }), placement);
    } finally {
      await rm(scratch, { force: true });
    }
  }

  private async unpackEntries(
    entries: AsyncIterable<ArchiveEntry>,
    placement: {
      prefix: string;
      depth: number;
      budget: UnpackBudget;
      /** The archive's METS packages, and the folder their files are set aside in. */
      packages?: MetsPackages;
      aside?: string;
    },
  ): Promise<void> {
    for await (const entry of entries) {
      this.signal?.throwIfAborted();
      placement.budget.countEntry();
      if (entry.type === "directory") continue;
      let path: string;
      try {
        path = placement.prefix + safeEntryPath(entry.name);
      } catch (error) {
        if (!(error instanceof SkipEntry)) throw error;
        await this.skip(placement.prefix + entry.name.replaceAll("\0", "\\0"), error);
        continue;
      }
      if (entry.type === "symlink") await this.skip(path, new SkipEntry("SYMLINK"));
      else if (entry.type === "special") await this.skip(path, new SkipEntry("SPECIAL_FILE"));
      else if (entry.encrypted) await this.skip(path, new SkipEntry("ENCRYPTED_ENTRY"));
      else if (placement.aside && placement.packages?.claims(path)) {
        const file = join(placement.aside, path);
        await mkdir(dirname(file), { recursive: true });
        await pipeline(entry.content(), createWriteStream(file));
      } else
        await this.admit(path, entry.content(), {
          depth: placement.depth,
          size: entry.size,
          budget: placement.budget,
        });
    }
  }
}
