/**
 * What a METS file says about its package, read in one streaming pass (walk-xml.ts): the files of its
 * file section (with their group and location), the pages of its physical structure map in order, the
 * divisions of its logical structure map, the links between the two, and the titles and identifiers
 * of its MODS records. Read leniently, as real exports differ (OCR-D, Goobi, Kitodo, Transkribus,
 * national libraries), but bounded: more files or divisions than the limits is refused while reading,
 * before anything is kept of them.
 */
import { PalimpsestError } from "../../../errors.js";
import { walkXml } from "../xml/walk-xml.js";

export interface MetsLimits {
  /** METS_MAX_FILES */
  maxFiles: number;
  /** METS_MAX_DIVS */
  maxDivs: number;
}

export interface MetsFile {
  id: string;
  /** The USE of its file group ("FULLTEXT", "OCR-D-IMG", "DEFAULT"); "" when it has none. */
  group: string;
  /** The group's position in the file section: later groups are later processing stages (OCR-D). */
  groupIndex: number;
  mimeType?: string;
  /** The FLocat's xlink:href, as written. */
  href?: string;
}

export interface PhysicalPage {
  id?: string;
  order?: number;
  label?: string;
  /** The files of the page (fptr and area FILEID), in document order. */
  fileIds: string[];
}

export interface LogicalDiv {
  id?: string;
  /** TYPE, lower-cased. */
  type?: string;
  label?: string;
  dmdIds: string[];
  children: LogicalDiv[];
}

export interface Mods {
  title?: string;
  identifier?: string;
}

export interface MetsStructure {
  files: Map<string, MetsFile>;
  /** In page order (ORDER where every page has one, document order otherwise). */
  pages: PhysicalPage[];
  /** Physical division id -> the pages under it (indexes into `pages`), the division itself included. */
  physical: Map<string, number[]>;
  logical?: LogicalDiv;
  /** structLink: logical division id -> physical division ids. */
  links: Map<string, string[]>;
  /** MODS records by the id of their dmdSec. */
  mods: Map<string, Mods>;
  /** mets:mptr references: other METS files (the volumes of an anchor file), never followed. */
  pointers: string[];
}

/** A division of the physical map being read: pages below it are counted to know which are its own. */
interface PhysicalFrame {
  id?: string;
  order?: number;
  label?: string;
  fileIds: string[];
  hasChildren: boolean;
  /** Index (in document order) of the first page at or below it. */
  firstPage: number;
}

/** The preferred kinds of identifier (OCR-D's order), before any other. */
const IDENTIFIER_TYPES = ["purl", "urn", "handle", "url", "doi"];

export function readMetsStructure(xml: string, limits: MetsLimits): MetsStructure {
  const files = new Map<string, MetsFile>();
  const documentPages: PhysicalPage[] = [];
  const ranges = new Map<string, [number, number]>();
  const links = new Map<string, string[]>();
  const mods = new Map<string, Mods>();
  const pointers: string[] = [];
  const groups: string[] = [];
  const groupStack: string[] = [];
  let logical: LogicalDiv | undefined;
  let map: "physical" | "logical" | "other" | undefined;
  let physicalSeen = false;
  const physicalStack: PhysicalFrame[] = [];
  const logicalStack: LogicalDiv[] = [];
  let file: MetsFile | undefined;
  let divs = 0;
  // MODS being read: the dmdSec it is in, and the element whose text is collected.
  let dmdId: string | undefined;
  let record: (Mods & { identifiers: { type: string; value: string }[]; subTitle?: string }) | undefined;
  let capture:
    | { into: "title" | "subTitle" | "identifier" | "recordIdentifier"; type: string; text: string }
    | undefined;
  let titleInfos = 0;

  walkXml(
    xml,
    {
      open(name, attributes) {
        switch (name) {
          case "dmdSec":
            dmdId = attributes.ID;
            break;
          case "mods":
            if (dmdId !== undefined && record === undefined) {
              record = { identifiers: [] };
              titleInfos = 0;
            }
            break;
          case "titleInfo":
            titleInfos++;
            break;
          case "title":
          case "subTitle":
            // The first titleInfo is the main title; others are alternatives, translations, series.
            if (record && titleInfos === 1 && record[name === "title" ? "title" : "subTitle"] === undefined)
              capture = { into: name, type: "", text: "" };
            break;
          case "identifier":
          case "recordIdentifier":
            if (record) capture = { into: name, type: (attributes.type ?? "").toLowerCase(), text: "" };
            break;
          case "fileGrp":
            groupStack.push(attributes.USE ?? groupStack.at(-1) ?? "");
            groups.push(groupStack.at(-1) ?? "");
            break;
          case "file": {
            if (files.size >= limits.maxFiles)
              throw invalid(
                `it lists more than ${limits.maxFiles} files (METS_MAX_FILES). Split the work into several METS, or raise the limit.`,
              );
            const id = attributes.ID;
            if (id === undefined) break;
            file = {
              id,
              group: groupStack.at(-1) ?? "",
              groupIndex: groups.length - 1,
              ...(attributes.MIMETYPE ? { mimeType: attributes.MIMETYPE.toLowerCase() } : {}),
            };
            files.set(id, file);
            break;
          }
          case "FLocat": {
            const href = xlink(attributes, "href");
            if (file && file.href === undefined && href !== undefined) file.href = href;
            break;
          }
          case "structMap": {
            const type = (attributes.TYPE ?? "").toUpperCase();
            // The physical map is the one typed so, or else the first that is not the logical one.
            if (type === "PHYSICAL" && !physicalSeen) map = "physical";
            else if (type === "LOGICAL" && logical === undefined) map = "logical";
            else map = "other";
            if (map === "physical") physicalSeen = true;
            break;
          }
          case "div":
            divs++;
            if (divs > limits.maxDivs)
              throw invalid(
                `its structure maps have more than ${limits.maxDivs} divisions (METS_MAX_DIVS). Split the work into several METS, or raise the limit.`,
              );
            if (map === "physical") {
              const parent = physicalStack.at(-1);
              if (parent) parent.hasChildren = true;
              physicalStack.push({
                ...(attributes.ID ? { id: attributes.ID } : {}),
                ...(order(attributes.ORDER) === undefined ? {} : { order: order(attributes.ORDER) }),
                ...(attributes.ORDERLABEL || attributes.LABEL
                  ? { label: attributes.ORDERLABEL ?? attributes.LABEL }
                  : {}),
                fileIds: [],
                hasChildren: false,
                firstPage: documentPages.length,
              });
            } else if (map === "logical") {
              const div: LogicalDiv = {
                ...(attributes.ID ? { id: attributes.ID } : {}),
                ...(attributes.TYPE ? { type: attributes.TYPE.toLowerCase() } : {}),
                ...(attributes.LABEL ? { label: attributes.LABEL } : {}),
                dmdIds: (attributes.DMDID ?? "").split(/\s+/).filter((id) => id !== ""),
                children: [],
              };
              const parent = logicalStack.at(-1);
              if (parent) parent.children.push(div);
              else logical ??= div;
              logicalStack.push(div);
            }
            break;
          case "fptr":
          case "area": {
            const frame = map === "physical" ? physicalStack.at(-1) : undefined;
            if (frame && attributes.FILEID) frame.fileIds.push(attributes.FILEID);
            break;
          }
          case "mptr": {
            const href = xlink(attributes, "href");
            if (href !== undefined) pointers.push(href);
            break;
          }
          case "smLink": {
            const from = xlink(attributes, "from");
            const to = xlink(attributes, "to");
            if (from === undefined || to === undefined) break;
            const targets = links.get(from) ?? [];
            targets.push(to);
            links.set(from, targets);
            break;
          }
        }
      },
      close(name) {
        switch (name) {
          case "dmdSec":
            dmdId = undefined;
            break;
          case "mods":
            if (record && dmdId !== undefined) {
              mods.set(dmdId, modsRecord(record));
              record = undefined;
            }
            break;
          case "title":
          case "subTitle":
          case "identifier":
          case "recordIdentifier":
            if (record && capture && capture.into === name) {
              const value = capture.text.replace(/\s+/g, " ").trim();
              if (value !== "") {
                if (name === "title") record.title = value;
                else if (name === "subTitle") record.subTitle = value;
                else
                  record.identifiers.push({ type: name === "identifier" ? capture.type : "record", value });
              }
              capture = undefined;
            }
            break;
          case "fileGrp":
            groupStack.pop();
            break;
          case "file":
            file = undefined;
            break;
          case "structMap":
            map = undefined;
            break;
          case "div":
            if (map === "physical") {
              const frame = physicalStack.pop();
              if (!frame) break;
              // A division without divisions below it is a page (the root too, when it has files: a
              // one-page map); an empty sequence has no pages.
              if (!frame.hasChildren && (physicalStack.length > 0 || frame.fileIds.length > 0)) {
                const { id, order: at, label, fileIds } = frame;
                documentPages.push({
                  ...(id ? { id } : {}),
                  ...(at === undefined ? {} : { order: at }),
                  ...(label ? { label } : {}),
                  fileIds,
                });
              }
              if (frame.id) ranges.set(frame.id, [frame.firstPage, documentPages.length]);
            } else if (map === "logical") logicalStack.pop();
            break;
        }
      },
      text(content) {
        if (capture) capture.text += content;
      },
    },
    { format: "METS" },
  );

  // ORDER decides where every page has one; document order otherwise (the sort is stable).
  const ordered = documentPages.every((page) => page.order !== undefined)
    ? documentPages
        .map((page, index) => ({ page, index }))
        .sort((a, b) => (a.page.order ?? 0) - (b.page.order ?? 0))
    : documentPages.map((page, index) => ({ page, index }));
  const position = new Map(ordered.map(({ index }, at) => [index, at]));
  const physical = new Map<string, number[]>();
  for (const [id, [from, to]] of ranges) {
    const pages: number[] = [];
    for (let index = from; index < to; index++) pages.push(position.get(index) ?? index);
    physical.set(
      id,
      pages.sort((a, b) => a - b),
    );
  }
  return {
    files,
    pages: ordered.map(({ page }) => page),
    physical,
    ...(logical ? { logical } : {}),
    links,
    mods,
    pointers,
  };
}

function modsRecord(record: {
  title?: string;
  subTitle?: string;
  identifiers: { type: string; value: string }[];
}): Mods {
  const title = record.title && record.subTitle ? `${record.title}: ${record.subTitle}` : record.title;
  const rank = (type: string) => {
    const at = IDENTIFIER_TYPES.indexOf(type);
    return at === -1 ? IDENTIFIER_TYPES.length : at;
  };
  const [identifier] = [...record.identifiers].sort((a, b) => rank(a.type) - rank(b.type));
  return { ...(title ? { title } : {}), ...(identifier ? { identifier: identifier.value } : {}) };
}

/** An XLink attribute (href, from, to), whatever prefix the file binds the XLink namespace to. */
function xlink(attributes: Readonly<Record<string, string>>, local: string): string | undefined {
  for (const [name, value] of Object.entries(attributes))
    if (name.endsWith(`:${local}`) || name === local) return value;
  return undefined;
}

function order(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

export function invalid(why: string): PalimpsestError {
  return new PalimpsestError("INVALID_METS", `The METS file cannot be read as a package: ${why}`);
}
