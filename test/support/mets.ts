/**
 * METS packages for tests, built from the OCR-D sample data (test/fixtures/formats and ocr/kant-1784,
 * see their SOURCE.md): page 17 of Kant's "Was ist Aufklärung?" (1784) as ALTO, as PAGE and as its
 * binarised image. The METS files are written here, in the shape OCR-D, Goobi and Kitodo export them:
 * MODS in a dmdSec, file groups, a physical and a logical structure map, structure links.
 */
import { readFileSync } from "node:fs";
import { KANT_ALTO, KANT_IMAGE, KANT_PAGE_XML } from "./ocr.js";

export interface MetsFileSpec {
  id: string;
  group: string;
  href: string;
  mimeType?: string;
}

export interface MetsPageSpec {
  id: string;
  order?: number;
  /** Ids of its files. */
  files: string[];
}

export interface MetsUnitSpec {
  id: string;
  type: string;
  label?: string;
  title?: string;
  identifier?: string;
  /** Physical division ids linked to it. */
  pages: string[];
}

export interface MetsSpec {
  title?: string;
  identifier?: string;
  files: MetsFileSpec[];
  pages: MetsPageSpec[];
  /** Logical units below the root (issues, articles); the root is linked to every page. */
  units?: MetsUnitSpec[];
  /** mets:mptr hrefs of the root (an anchor file). */
  pointers?: string[];
  rootType?: string;
}

const xmlEscape = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

function mods(id: string, title?: string, identifier?: string): string {
  if (title === undefined && identifier === undefined) return "";
  return `  <mets:dmdSec ID="${id}">
    <mets:mdWrap MDTYPE="MODS"><mets:xmlData><mods:mods>
      ${title === undefined ? "" : `<mods:titleInfo><mods:title>${xmlEscape(title)}</mods:title></mods:titleInfo>`}
      <mods:titleInfo type="alternative"><mods:title>Not the title</mods:title></mods:titleInfo>
      <mods:identifier type="local">local-0001</mods:identifier>
      ${identifier === undefined ? "" : `<mods:identifier type="purl">${xmlEscape(identifier)}</mods:identifier>`}
    </mods:mods></mets:xmlData></mets:mdWrap>
  </mets:dmdSec>
`;
}

export function metsXml(spec: MetsSpec): string {
  const groups = [...new Set(spec.files.map((file) => file.group))];
  const fileSec = groups
    .map(
      (group) => `    <mets:fileGrp USE="${group}">
${spec.files
  .filter((file) => file.group === group)
  .map(
    (file) => `      <mets:file ID="${file.id}"${file.mimeType ? ` MIMETYPE="${file.mimeType}"` : ""}>
        <mets:FLocat LOCTYPE="OTHER" OTHERLOCTYPE="FILE" xlink:href="${xmlEscape(file.href)}"/>
      </mets:file>`,
  )
  .join("\n")}
    </mets:fileGrp>`,
    )
    .join("\n");
  const pages = spec.pages
    .map(
      (
        page,
      ) => `      <mets:div TYPE="page" ID="${page.id}"${page.order === undefined ? "" : ` ORDER="${page.order}"`}>
${page.files.map((id) => `        <mets:fptr FILEID="${id}"/>`).join("\n")}
      </mets:div>`,
    )
    .join("\n");
  const units = spec.units ?? [];
  const logical = units
    .map(
      (unit) =>
        `      <mets:div ID="${unit.id}" TYPE="${unit.type}"${unit.label ? ` LABEL="${xmlEscape(unit.label)}"` : ""}${unit.title || unit.identifier ? ` DMDID="DMD_${unit.id}"` : ""}/>`,
    )
    .join("\n");
  const pointers = (spec.pointers ?? [])
    .map((href) => `      <mets:mptr LOCTYPE="URL" xlink:href="${xmlEscape(href)}"/>`)
    .join("\n");
  const links = [
    `    <mets:smLink xlink:from="LOG_ROOT" xlink:to="PHYS_SEQ"/>`,
    ...units.flatMap((unit) =>
      unit.pages.map((page) => `    <mets:smLink xlink:from="${unit.id}" xlink:to="${page}"/>`),
    ),
  ].join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:mods="http://www.loc.gov/mods/v3" xmlns:xlink="http://www.w3.org/1999/xlink">
  <mets:metsHdr CREATEDATE="2024-01-01T00:00:00"><mets:agent ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE"><mets:name>test</mets:name></mets:agent></mets:metsHdr>
${mods("DMD_ROOT", spec.title, spec.identifier)}${units.map((unit) => mods(`DMD_${unit.id}`, unit.title, unit.identifier)).join("")}  <mets:fileSec>
${fileSec}
  </mets:fileSec>
  <mets:structMap TYPE="LOGICAL">
    <mets:div ID="LOG_ROOT" TYPE="${spec.rootType ?? "monograph"}"${spec.title || spec.identifier ? ` DMDID="DMD_ROOT"` : ""}>
${logical}
${pointers}
    </mets:div>
  </mets:structMap>
  <mets:structMap TYPE="PHYSICAL">
    <mets:div TYPE="physSequence" ID="PHYS_SEQ">
${pages}
    </mets:div>
  </mets:structMap>
  <mets:structLink>
${links}
  </mets:structLink>
</mets:mets>
`;
}

export const KANT_TITLE = "Beantwortung der Frage: Was ist Aufklärung?";
export const KANT_IDENTIFIER = "https://example.org/purl/kant-aufklaerung-1784";

/** A file of a package: its path in the package and its bytes. */
export interface PackageFile {
  name: string;
  data: Buffer;
}

/**
 * The Kant page three times over, as an OCR-D workspace has it: page 1 read from its ALTO, page 2 from
 * its PAGE file, page 3 from its image alone (OCR); every page also lists its image, and page 1 a
 * thumbnail. Under `folder` in the package; without `ocrPage`, the first two pages only.
 */
export function kantPackage(
  folder = "kant",
  options: { withImages?: boolean; ocrPage?: boolean } = {},
): PackageFile[] {
  const image = readFileSync(KANT_IMAGE);
  const files: MetsFileSpec[] = [
    { id: "IMG_0001", group: "OCR-D-IMG", href: "OCR-D-IMG/0001.png", mimeType: "image/png" },
    { id: "IMG_0002", group: "OCR-D-IMG", href: "OCR-D-IMG/0002.png", mimeType: "image/png" },
    { id: "IMG_0003", group: "OCR-D-IMG", href: "OCR-D-IMG/0003.png", mimeType: "image/png" },
    { id: "THUMB_0001", group: "THUMBS", href: "THUMBS/0001.png", mimeType: "image/png" },
    {
      id: "ALTO_0001",
      group: "OCR-D-GT-ALTO",
      href: "OCR-D-GT-ALTO/0001.xml",
      mimeType: "application/alto+xml",
    },
    {
      id: "PAGE_0002",
      group: "OCR-D-GT-PAGE",
      href: "./OCR-D-GT-PAGE/0002.xml",
      mimeType: "application/vnd.prima.page+xml",
    },
  ];
  const mets = metsXml({
    title: KANT_TITLE,
    identifier: KANT_IDENTIFIER,
    files,
    pages: [
      { id: "PHYS_0001", order: 1, files: ["IMG_0001", "THUMB_0001", "ALTO_0001"] },
      { id: "PHYS_0002", order: 2, files: ["IMG_0002", "PAGE_0002"] },
      ...(options.ocrPage === false ? [] : [{ id: "PHYS_0003", order: 3, files: ["IMG_0003"] }]),
    ],
  });
  const withImages = options.withImages ?? true;
  return [
    { name: `${folder}/mets.xml`, data: Buffer.from(mets) },
    { name: `${folder}/OCR-D-GT-ALTO/0001.xml`, data: readFileSync(KANT_ALTO) },
    { name: `${folder}/OCR-D-GT-PAGE/0002.xml`, data: readFileSync(KANT_PAGE_XML) },
    ...(withImages
      ? [
          { name: `${folder}/OCR-D-IMG/0001.png`, data: image },
          { name: `${folder}/OCR-D-IMG/0002.png`, data: image },
          { name: `${folder}/THUMBS/0001.png`, data: image },
        ]
      : []),
    { name: `${folder}/OCR-D-IMG/0003.png`, data: image },
  ];
}
