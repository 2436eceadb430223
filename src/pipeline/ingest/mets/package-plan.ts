/**
 * Which documents a METS makes and which file each of their pages is read from: shared by the batch
 * intake (which gathers those files into a package) and the reader (which reads them), so both make
 * the same choice.
 *
 * Documents: one per METS, or one per logical unit where the logical structure map holds two or more
 * divisions of the types METS_UNIT_TYPES names (the innermost ones), each with the pages the structure
 * links give it. A page is read from its transcription (ALTO, PAGE or hOCR) where the METS lists one,
 * else by OCR of its image.
 */
import type { LogicalDiv, MetsFile, MetsStructure, PhysicalPage } from "./mets-structure.js";
import { type FileReference, resolveReference } from "./package-path.js";

export interface MetsUnit {
  /** The logical division's id; undefined for the whole METS. */
  id?: string;
  title?: string;
  identifier?: string;
  /** Indexes into the structure's pages, in page order. */
  pages: number[];
}

export interface PlannedPage {
  page: PhysicalPage;
  /** What the page is read from: its transcription, else its image; undefined when it lists neither. */
  source?: { kind: "transcription" | "image"; file: MetsFile; reference: FileReference };
}

const IMAGE_EXTENSIONS = /\.(tiff?|jpe?g|png|gif|webp|jp2|j2k|jpx)$/i;
const TEXT_EXTENSIONS = /\.(xml|html?|hocr)$/i;
const TEXT_TYPES = /(^text\/(xml|html)$)|(^application\/(xml|xhtml\+xml)$)|alto|page\+xml|hocr/;
/** Image groups by preference: the largest image first; thumbnails never. */
const IMAGE_GROUPS = ["MAX", "ORIGINAL", "MASTER", "OCR-D-IMG", "DEFAULT"];
const THUMBNAILS = /THUMB|MIN|PREVIEW/i;
/** Formats the OCR engines do not read: used only when a page has no other image. */
const UNREADABLE_IMAGES = /jp2|jpeg2000|\.(jp2|j2k|jpx)$/i;

/** The documents of a METS (see above), each with its title and identifier from MODS or its label. */
export function metsUnits(structure: MetsStructure, unitTypes: readonly string[]): MetsUnit[] {
  const whole = wholeUnit(structure);
  if (!structure.logical || unitTypes.length === 0) return [whole];
  const units = innermost(structure.logical, new Set(unitTypes))
    .map((div) => unitOf(structure, div))
    .filter((unit) => unit.pages.length > 0);
  return units.length >= 2 ? units : [whole];
}

/** The unit of a document's package: the whole METS, or the logical division `id`. */
export function unitById(structure: MetsStructure, id: string | undefined): MetsUnit | undefined {
  if (id === undefined) return wholeUnit(structure);
  const div = find(structure.logical, id);
  return div && unitOf(structure, div);
}

export function planPages(structure: MetsStructure, unit: MetsUnit, metsPath: string): PlannedPage[] {
  return unit.pages.map((index) => {
    const page = structure.pages[index] as PhysicalPage;
    const files = page.fileIds.flatMap((id) => structure.files.get(id) ?? []);
    const transcription = pick(files.filter(isTranscription), transcriptionRank);
    const image = pick(files.filter(isImage), imageRank);
    const file = transcription ?? image;
    if (!file) return { page };
    return {
      page,
      source: {
        kind: transcription ? "transcription" : "image",
        file,
        reference:
          file.href === undefined
            ? { kind: "outside", why: "no FLocat" }
            : resolveReference(metsPath, file.href),
      },
    };
  });
}

function wholeUnit(structure: MetsStructure): MetsUnit {
  const rootRecord = structure.logical?.dmdIds.map((id) => structure.mods.get(id)).find((mods) => mods);
  // Without one on the root division, the first record that no other division claims (OCR-D's).
  const claimed = new Set(structure.logical?.children.flatMap(dmdIds));
  const record = rootRecord ?? [...structure.mods].find(([id]) => !claimed.has(id))?.[1];
  const title = record?.title ?? structure.logical?.label;
  return {
    ...(title ? { title } : {}),
    ...(record?.identifier ? { identifier: record.identifier } : {}),
    pages: structure.pages.map((_, index) => index),
  };
}

function unitOf(structure: MetsStructure, div: LogicalDiv): MetsUnit {
  const record = div.dmdIds.map((id) => structure.mods.get(id)).find((mods) => mods);
  const title = record?.title ?? div.label;
  const pages = new Set<number>();
  for (const logicalId of ids(div))
    for (const physicalId of structure.links.get(logicalId) ?? [])
      for (const page of structure.physical.get(physicalId) ?? []) pages.add(page);
  return {
    ...(div.id ? { id: div.id } : {}),
    ...(title ? { title } : {}),
    ...(record?.identifier ? { identifier: record.identifier } : {}),
    pages: [...pages].sort((a, b) => a - b),
  };
}

/** Divisions of the listed types with none of them below: an issue, not the volume that holds issues. */
function innermost(div: LogicalDiv, types: ReadonlySet<string>): LogicalDiv[] {
  const below = div.children.flatMap((child) => innermost(child, types));
  if (below.length > 0) return below;
  return div.type !== undefined && types.has(div.type) ? [div] : [];
}

function dmdIds(div: LogicalDiv): string[] {
  return [...div.dmdIds, ...div.children.flatMap(dmdIds)];
}

function ids(div: LogicalDiv): string[] {
  return [...(div.id ? [div.id] : []), ...div.children.flatMap(ids)];
}

function find(div: LogicalDiv | undefined, id: string): LogicalDiv | undefined {
  if (!div) return undefined;
  if (div.id === id) return div;
  for (const child of div.children) {
    const found = find(child, id);
    if (found) return found;
  }
  return undefined;
}

function isTranscription(file: MetsFile): boolean {
  if (file.mimeType) return TEXT_TYPES.test(file.mimeType);
  return TEXT_EXTENSIONS.test(file.href ?? "");
}

function isImage(file: MetsFile): boolean {
  if (file.mimeType) return file.mimeType.startsWith("image/");
  return IMAGE_EXTENSIONS.test(file.href ?? "");
}

/** FULLTEXT first (libraries' name for the text), then the latest group (the last OCR-D step). */
function transcriptionRank(file: MetsFile): number {
  return file.group.toUpperCase() === "FULLTEXT" ? Number.NEGATIVE_INFINITY : -file.groupIndex;
}

function imageRank(file: MetsFile): number {
  const unreadable = UNREADABLE_IMAGES.test(file.mimeType ?? "") || UNREADABLE_IMAGES.test(file.href ?? "");
  const thumbnail = THUMBNAILS.test(file.group);
  const preferred = IMAGE_GROUPS.indexOf(file.group.toUpperCase());
  return (unreadable ? 100 : 0) + (thumbnail ? 50 : 0) + (preferred === -1 ? IMAGE_GROUPS.length : preferred);
}

/** The file of lowest rank; the first listed among equals. */
function pick(files: MetsFile[], rank: (file: MetsFile) => number): MetsFile | undefined {
  let best: MetsFile | undefined;
  for (const file of files) if (best === undefined || rank(file) < rank(best)) best = file;
  return best;
}
