/**
 * METS packages in a batch. A METS names the files of its pages; they arrive as entries of the same
 * archive or folder, in any order. So a batch is looked through once for METS files first; then, while
 * its entries are read, the files a METS lists are set aside rather than made documents of their own,
 * and each METS (or each of its logical units: package-plan.ts) becomes one document, a package of
 * the METS and the files its pages are read from (package-bundle.ts). References are resolved inside the batch
 * only; a file a METS lists but the batch lacks is left out, for the reader to name in its error.
 */
import { isPalimpsestError } from "../../errors.js";
import { decodeText } from "../../pipeline/ingest/decode-text.js";
import { invalid, type MetsLimits, readMetsStructure } from "../../pipeline/ingest/mets/mets-structure.js";
import type { PackageDescriptor } from "../../pipeline/ingest/mets/package-bundle.js";
import { resolveReference } from "../../pipeline/ingest/mets/package-path.js";
import { metsUnits, planPages } from "../../pipeline/ingest/mets/package-plan.js";
import { xmlRoot } from "../../pipeline/ingest/xml/detect.js";
import { peek } from "./peek.js";

export interface MetsOptions {
  limits: MetsLimits;
  /** METS_UNIT_TYPES */
  unitTypes: readonly string[];
}

/** One document to make: its task's path, its descriptor, and the batch paths of its members. */
export interface PackageDocument {
  path: string;
  descriptor: PackageDescriptor;
  members: string[];
}

/** A METS that makes no document, and why (an anchor file). */
export interface NotAPackage {
  path: string;
  why: string;
}

/** Only files named so are looked into for a METS root element. */
const METS_NAME = /\.xml$/i;
/** Enough of a file to find its root element past the prolog and comments. */
const HEAD_BYTES = 16 * 1024;

/** Whether an entry may be a METS file, from its name and first bytes. */
function looksLikeMets(path: string, head: Uint8Array): boolean {
  return METS_NAME.test(path) && xmlRoot(decodeText(head).text) === "mets";
}

export class MetsPackages {
  readonly documents: PackageDocument[] = [];
  readonly anchors: NotAPackage[] = [];
  private readonly claimed = new Set<string>();

  /** `found` are the METS files of the batch, by path, with their text. */
  constructor(found: ReadonlyMap<string, string>, options: MetsOptions) {
    for (const [path, xml] of [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      this.claimed.add(path);
      try {
        this.plan(path, xml, options);
      } catch (error) {
        if (!isPalimpsestError(error)) throw error;
        // Unreadable: one document of the METS alone, which fails with the reader's own error.
        this.documents.push({ path, descriptor: { format: "mets", mets: path }, members: [path] });
      }
    }
  }

  /** Whether an entry is a METS file or a file a METS lists. */
  claims(path: string): boolean {
    return this.claimed.has(path);
  }

  private plan(path: string, xml: string, options: MetsOptions): void {
    const structure = readMetsStructure(xml, options.limits);
    if (structure.pages.length === 0 && structure.pointers.length > 0) {
      this.anchors.push({
        path,
        why: `a METS anchor file, which points to ${structure.pointers.length} other METS (a multi-volume work's volumes) and has no pages of its own`,
      });
      return;
    }
    // Every file the METS lists is part of its package, not a document of its own: the thumbnails, and
    // the images of pages read from their transcription, too.
    for (const file of structure.files.values()) {
      const reference = file.href === undefined ? undefined : resolveReference(path, file.href);
      if (reference?.kind === "package") this.claimed.add(reference.path);
    }
    if (structure.pages.length === 0) throw invalid("its physical structure map lists no pages.");
    const units = metsUnits(structure, options.unitTypes);
    for (const unit of units) {
      const members = new Set([path]);
      for (const { source } of planPages(structure, unit, path))
        if (source?.reference.kind === "package") members.add(source.reference.path);
      this.documents.push({
        path: units.length > 1 && unit.id ? `${path}#${unit.id}` : path,
        descriptor: { format: "mets", mets: path, ...(units.length > 1 && unit.id ? { unit: unit.id } : {}) },
        members: [...members],
      });
    }
  }
}

/**
 * The text of an entry that is a METS file (by its name and root element); undefined for any other,
 * whose bytes past the first are not read. A METS larger than `maxBytes` is not one to package.
 */
export async function metsText(
  path: string,
  content: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<string | undefined> {
  if (!METS_NAME.test(path)) return undefined;
  const { head, whole } = await peek(content, HEAD_BYTES);
  if (!looksLikeMets(path, head)) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of whole) {
    size += chunk.byteLength;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return decodeText(Buffer.concat(chunks)).text;
}
