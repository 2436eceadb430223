/**
 * The input formats Palimpsest reads: one entry each, with its reader. Everything that depends on the
 * formats is derived from here: the MediaType union (types.ts), content detection (sniff.ts), which
 * documents have page images (page-image.ts), what a batch takes (jobs/intake/classify.ts) and the
 * content types of raw uploads (POST /v1/extract). A new format is a reader file and an entry here.
 *
 * Detection runs in this order within each kind (see Detection): put the more specific first. Two
 * formats point to other files: a METS package (made by the batch intake from a METS and its files)
 * and a IIIF manifest (whose images and annotations are fetched, under the configuration's rules).
 */
import { isIiifPresentation } from "../../iiif-client/manifest.js";
import { decodeText } from "./decode-text.js";
import { ascii, hasMagic, type Magic } from "./formats.js";
import { readManifest } from "./iiif-manifest.js";
import { imagePage, readImage } from "./image.js";
import type { InputFormat } from "./input-format.js";
import { isPackageBundle } from "./mets/package-bundle.js";
import { readMetsPackage } from "./mets/read-mets.js";
import { layoutPages } from "./pages.js";
import { extractPdf, isPdf, pdfPage } from "./pdf.js";
import { importAlto } from "./xml/alto.js";
import { isHocr, xmlRoot } from "./xml/detect.js";
import { importHocr } from "./xml/hocr.js";
import { readXml, type XmlImporter } from "./xml/index.js";
import { importPageXml } from "./xml/page-xml.js";

/** XML arrives under any of these; the content says which format it is. */
const XML_RAW_TYPES = ["application/xml", "text/xml", "application/xhtml+xml", "text/html"] as const;

/** ALTO and PAGE files are also written back, with the entities in them (export/tagged-*.ts). */
export const ALTO_FORMAT = xml(
  { name: "ALTO", reading: "alto", read: importAlto },
  "application/alto+xml",
  (root) => root === "alto",
);
export const PAGE_FORMAT = xml(
  { name: "PAGE", reading: "page-xml", read: importPageXml },
  "application/vnd.prima.page+xml",
  (root) => root === "pcgts",
);

/** Documents read from a IIIF manifest are also exported as one, with their entities (export/iiif.ts). */
export const IIIF_FORMAT = {
  name: "IIIF manifest",
  mediaType: "application/ld+json",
  detect: { by: "json", matches: isIiifPresentation },
  read: readManifest,
  batches: true,
  rawTypes: ["application/ld+json"],
} as const satisfies InputFormat;

export const FORMATS = [
  {
    name: "PDF",
    mediaType: "application/pdf",
    detect: { by: "bytes", matches: isPdf },
    read: ({ bytes }, options) => extractPdf(bytes, options),
    pageImage: pdfPage,
    batches: true,
    rawTypes: ["application/pdf"],
  },
  image("PNG image", "image/png", [{ magic: [0x89, ...ascii("PNG\r\n"), 0x1a, 0x0a] }]),
  image("JPEG image", "image/jpeg", [{ magic: [0xff, 0xd8, 0xff] }]),
  image("TIFF image", "image/tiff", [{ magic: ascii("II*\0") }, { magic: ascii("MM\0*") }]),
  image("WebP image", "image/webp", [{ magic: ascii("WEBP"), offset: 8 }]),
  image("GIF image", "image/gif", [{ magic: ascii("GIF8") }]),
  ALTO_FORMAT,
  PAGE_FORMAT,
  xml({ name: "hOCR", reading: "hocr", read: importHocr }, "text/vnd.hocr+html", isHocr),
  {
    // Made by the batch intake from a METS and the files it lists (an archive's, a folder's).
    name: "METS package",
    mediaType: "application/vnd.palimpsest.mets+tar",
    detect: { by: "bytes", matches: isPackageBundle },
    read: readMetsPackage,
    batches: true,
    rawTypes: [],
  },
  IIIF_FORMAT,
  {
    name: "plain text",
    mediaType: "text/plain",
    detect: { by: "text" },
    read: async ({ bytes, decoded = decodeText(bytes) }) => {
      const { text, encoding, warnings } = decoded;
      return { ...layoutPages([{ text, needsOcr: false }]), encoding, warnings };
    },
    batches: true,
    // Any file may be sent as octet-stream: its content decides what it is.
    rawTypes: ["text/plain", "application/octet-stream"],
  },
] as const satisfies readonly InputFormat[];

export type RegisteredFormat = (typeof FORMATS)[number];

/** The format documents of `mediaType` were read as (a result's `document.mediaType`). */
export function formatOf(mediaType: string): RegisteredFormat | undefined {
  return FORMATS.find((format) => format.mediaType === mediaType);
}

/** The format recognised from magic bytes alone, before any decoding. */
export function formatByMagic(bytes: Uint8Array): RegisteredFormat | undefined {
  return FORMATS.find(({ detect }) => detect.by === "bytes" && detect.matches(bytes));
}

/**
 * The format the first bytes of a file show, where they can tell: magic bytes, or the root element of
 * markup. Plain text is only known once the whole file has decoded as text.
 */
export function formatOfHead(head: Uint8Array): RegisteredFormat | undefined {
  const magic = formatByMagic(head);
  if (magic !== undefined) return magic;
  const { text } = decodeText(head);
  const root = xmlRoot(text);
  if (root === undefined) return undefined;
  return FORMATS.find(({ detect }) => detect.by === "markup" && detect.matches(root, text));
}

/** Every content type POST /v1/extract takes as a raw body. */
export const RAW_UPLOAD_TYPES: readonly string[] = [...new Set(FORMATS.flatMap((format) => format.rawTypes))];

function image<M extends string>(name: string, mediaType: M, magics: readonly Magic[]) {
  return {
    name,
    mediaType,
    detect: { by: "bytes", matches: (bytes: Uint8Array) => magics.some((magic) => hasMagic(bytes, magic)) },
    read: (input, options) => readImage(input, options, mediaType),
    pageImage: imagePage,
    batches: true,
    rawTypes: [mediaType],
  } as const satisfies InputFormat;
}

function xml<M extends string>(
  importer: XmlImporter,
  mediaType: M,
  matches: (root: string, text: string) => boolean,
) {
  return {
    name: importer.name,
    mediaType,
    importer,
    detect: { by: "markup", matches },
    read: async ({ bytes, decoded = decodeText(bytes) }, { maxPages }) =>
      readXml(importer, decoded.text, maxPages),
    batches: true,
    rawTypes: XML_RAW_TYPES,
  } as const satisfies InputFormat;
}
