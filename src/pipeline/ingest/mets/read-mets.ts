/**
 * Reads a METS package (package-bundle.ts) as one document: the pages of its unit in the physical
 * structure map's order, each from its transcription (read by the ALTO, PAGE or hOCR importer, with
 * its boxes) or by OCR of its image. Every file reference is checked before anything is read: one that
 * leads out of the package, a remote URL without METS_REMOTE_FILES, a file the package lacks, a page
 * with no file at all fail the document with the files named.
 */
import { isPalimpsestError, PalimpsestError } from "../../../errors.js";
import type { Warning } from "../../types.js";
import { decodeText } from "../decode-text.js";
import type { ReadDocument, ReadInput, ReadOptions } from "../input-format.js";
import { type LinkedReading, linkedReading } from "../linked.js";
import { type MixedPage, readMixedPages } from "../mixed-pages.js";
import { layoutPages, type PageText } from "../pages.js";
import { sniff } from "../sniff.js";
import { xmlPageText } from "../xml/index.js";
import { invalid, readMetsStructure } from "./mets-structure.js";
import { readPackageBundle } from "./package-bundle.js";
import type { FileReference } from "./package-path.js";
import { type PlannedPage, planPages, unitById } from "./package-plan.js";

/** Files named in a message; the details list them all. */
const NAMED = 5;

const TRANSCRIPTION_TYPES = [
  "text/*",
  "application/xml",
  "application/alto+xml",
  "application/vnd.prima.page+xml",
  "application/xhtml+xml",
  "application/octet-stream",
];
const IMAGE_TYPES = ["image/*", "application/octet-stream"];

/** A page whose file is in the package, or a remote one that may be fetched: what checkReferences lets through. */
type Readable = PlannedPage & {
  source: NonNullable<PlannedPage["source"]> & { reference: Exclude<FileReference, { kind: "outside" }> };
};

export async function readMetsPackage({ bytes }: ReadInput, options: ReadOptions): Promise<ReadDocument> {
  const linked = options.linked ?? linkedReading({});
  const { descriptor, files } = await readPackageBundle(bytes);
  const metsBytes = files.get(descriptor.mets);
  if (!metsBytes)
    throw new PalimpsestError(
      "CORRUPT_DOCUMENT",
      `The METS package does not hold its METS file ${descriptor.mets}.`,
    );
  const structure = readMetsStructure(decodeText(metsBytes).text, linked.mets);
  const unit = unitById(structure, descriptor.unit);
  if (!unit) throw invalid(`it has no logical division ${descriptor.unit}.`);
  if (unit.pages.length === 0)
    throw invalid(
      structure.pointers.length > 0
        ? `it has no pages of its own, only pointers to ${structure.pointers.length} other METS files (an anchor file of a multi-volume work): send the METS of each volume.`
        : "its physical structure map lists no pages.",
    );
  if (unit.pages.length > options.maxPages)
    throw new PalimpsestError(
      "TOO_MANY_PAGES",
      `The METS ${descriptor.mets} has ${unit.pages.length} pages; at most ${options.maxPages} are read from one document. Split it into smaller parts.`,
      { details: { pages: unit.pages.length, maxPages: options.maxPages } },
    );
  const planned = checkReferences(planPages(structure, unit, descriptor.mets), files, linked);

  const contentOf = (page: Readable, signal: AbortSignal) => fileBytes(files, linked, page, signal);
  const warnings: Warning[] = [];
  const sources: MixedPage[] = [];
  for (const [index, page] of planned.entries()) {
    if (page.source.kind === "transcription") {
      const content = await contentOf(page, options.request.signal);
      sources.push({ text: transcriptionPage(content, page, index + 1, warnings) });
      continue;
    }
    const local =
      page.source.reference.kind === "package" ? files.get(page.source.reference.path) : undefined;
    const pixels = local && options.ocr ? (await options.ocr.leastPixels(local, 1))[0] : undefined;
    sources.push({
      ocr: {
        ...(pixels === undefined ? {} : { pixels }),
        image: async () => ({
          bytes: await contentOf(page, options.request.signal),
          origin: "file" as const,
          reason: "image" as const,
        }),
      },
    });
  }
  const read = await readMixedPages(sources, options, `the METS ${descriptor.mets}`);
  const texts = read.pages;
  warnings.push(...read.warnings);
  if (texts.every((page) => page.text.trim() === ""))
    throw new PalimpsestError(
      "EMPTY_DOCUMENT",
      `The ${planned.length} page(s) of the METS ${descriptor.mets} hold no text (layout only, or blank pages).`,
    );
  return {
    ...layoutPages(texts),
    warnings: warnings.sort((a, b) => (a.page ?? 0) - (b.page ?? 0)),
    ...(unit.title ? { title: unit.title } : {}),
    ...(unit.identifier ? { identifier: unit.identifier } : {}),
  };
}

/** The pages, each with a file the package holds (or a remote one that may be fetched); else why not. */
function checkReferences(
  planned: PlannedPage[],
  files: Map<string, Buffer>,
  linked: LinkedReading,
): Readable[] {
  const without = planned.flatMap((page, index) => (page.source ? [] : [pageName(page, index + 1)]));
  if (without.length > 0)
    throw invalid(
      `${without.length} page(s) list neither an image nor a transcription: ${named(without)}. Check the fileSec and the fptr of these pages.`,
    );
  const sourced = planned as (PlannedPage & { source: NonNullable<PlannedPage["source"]> })[];
  const outside = sourced.flatMap(({ source: { file, reference } }) => {
    if (reference.kind === "outside") return [`${file.href ?? file.id} (${reference.why})`];
    if (reference.kind === "remote" && !linked.mets.remoteFiles)
      return [`${reference.url} (a URL: fetched only with METS_REMOTE_FILES=on)`];
    return [];
  });
  if (outside.length > 0)
    throw new PalimpsestError(
      "METS_FILE_OUTSIDE",
      `The METS points to ${outside.length} file(s) outside its package: ${named(outside)}. Put the files in the package, with paths relative to the METS file.`,
      { details: { files: outside } },
    );
  const readable = sourced as Readable[];
  const missing = readable.flatMap(({ source: { reference } }) =>
    reference.kind === "package" && !files.has(reference.path) ? [reference.path] : [],
  );
  if (missing.length > 0)
    throw new PalimpsestError(
      "METS_FILE_MISSING",
      `The METS lists ${missing.length} file(s) its package does not hold: ${named(missing)}. Send them in the archive or folder with the METS, at the paths it gives.`,
      { details: { files: missing } },
    );
  return readable;
}

async function fileBytes(
  files: Map<string, Buffer>,
  linked: LinkedReading,
  { source: { kind, file, reference } }: Readable,
  signal: AbortSignal,
): Promise<Uint8Array> {
  if (reference.kind === "package") return files.get(reference.path) as Buffer;
  const transcription = kind === "transcription";
  const fetched = await linked.fetcher.fetch(reference.url, {
    what: `the ${transcription ? "transcription" : "image"} ${file.id} of the METS`,
    accept: transcription ? TRANSCRIPTION_TYPES : IMAGE_TYPES,
    signal,
  });
  return fetched.bytes;
}

function transcriptionPage(bytes: Uint8Array, page: Readable, number: number, warnings: Warning[]): PageText {
  const where = `${fileName(page)} (page ${number})`;
  try {
    const { format, decoded } = sniff(bytes, { filename: fileName(page) });
    if (!("importer" in format) || decoded === undefined)
      throw new PalimpsestError(
        "CORRUPT_DOCUMENT",
        `it is ${format.name}, not an ALTO, PAGE or hOCR file. Check the MIMETYPE of its mets:file, or list the page's image instead.`,
      );
    const imported = format.importer.read(decoded.text);
    warnings.push(...imported.warnings.map((warning) => ({ ...warning, page: number })));
    const [first, ...more] = imported.pages;
    if (more.length > 0)
      warnings.push({
        code: "METS_PAGE_FILE_PAGES",
        page: number,
        message: `${where} holds ${imported.pages.length} pages; its first is the METS page, the others are left out.`,
      });
    return first ? xmlPageText(format.importer, first) : { text: "", needsOcr: false };
  } catch (error) {
    if (!isPalimpsestError(error)) throw error;
    throw new PalimpsestError(error.code, `${where}: ${error.message}`, {
      cause: error,
      details: { file: fileName(page) },
    });
  }
}

function fileName({ source: { reference } }: Readable): string {
  return reference.kind === "package" ? reference.path : reference.url;
}

function pageName(page: PlannedPage, number: number): string {
  return page.page.id ? `${number} (${page.page.id})` : String(number);
}

function named(items: string[]): string {
  const shown = items.slice(0, NAMED).join(", ");
  return items.length > NAMED ? `${shown} and ${items.length - NAMED} more` : shown;
}
