/**
 * Signatures of binary file formats people upload that Palimpsest does not read, so the refusal can
 * name what was sent and say what to do instead. (The formats it reads are recognised by their
 * entries in registry.ts.)
 */

export type FormatKind = "image" | "archive" | "office" | "markup" | "other";

export interface KnownFormat {
  name: string;
  kind: FormatKind;
}

/** Bytes at `offset`; `undefined` entries match any byte. */
export interface Magic {
  magic: readonly (number | undefined)[];
  offset?: number;
}

interface Signature extends KnownFormat, Magic {}

export const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));

export function hasMagic(bytes: Uint8Array, { magic, offset = 0 }: Magic): boolean {
  return magic.every((byte, i) => byte === undefined || bytes[offset + i] === byte);
}

const SIGNATURES: readonly Signature[] = [
  { name: "JPEG 2000 image", kind: "image", magic: [0, 0, 0, 0x0c, ...ascii("jP  \r\n"), 0x87, 0x0a] },
  { name: "JPEG 2000 image", kind: "image", magic: [0xff, 0x4f, 0xff, 0x51] },
  { name: "DjVu document", kind: "image", magic: ascii("AT&TFORM") },
  { name: "ZIP archive", kind: "archive", magic: ascii("PK\x03\x04") },
  { name: "ZIP archive", kind: "archive", magic: ascii("PK\x05\x06") },
  { name: "gzip archive", kind: "archive", magic: [0x1f, 0x8b] },
  { name: "bzip2 archive", kind: "archive", magic: [...ascii("BZh"), undefined, ...ascii("1AY&SY")] },
  { name: "7-Zip archive", kind: "archive", magic: [...ascii("7z"), 0xbc, 0xaf, 0x27, 0x1c] },
  { name: "RAR archive", kind: "archive", magic: ascii("Rar!\x1a\x07") },
  {
    name: "Microsoft Office 97-2003 document (.doc, .xls, .ppt)",
    kind: "office",
    magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
  },
  { name: "RTF document", kind: "office", magic: ascii("{\\rtf") },
  { name: "PostScript document", kind: "other", magic: ascii("%!PS") },
];

/** Office and e-book formats are ZIP files; a member name tells which one it is. */
const ZIP_MEMBERS: readonly [member: string, name: string][] = [
  ["word/document.xml", "Word document (DOCX)"],
  ["xl/workbook.xml", "Excel workbook (XLSX)"],
  ["ppt/presentation.xml", "PowerPoint presentation (PPTX)"],
  ["mimetypeapplication/vnd.oasis.opendocument.text", "OpenDocument text (ODT)"],
  ["mimetypeapplication/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet (ODS)"],
  ["mimetypeapplication/epub+zip", "EPUB e-book"],
];

export function detectBinaryFormat(bytes: Uint8Array): KnownFormat | undefined {
  const signature = SIGNATURES.find((candidate) => hasMagic(bytes, candidate));
  if (signature === undefined) return undefined;
  if (signature.name === "ZIP archive") {
    // Member names sit in each local header and again in the central directory at the end.
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const member = ZIP_MEMBERS.find(([path]) => buffer.includes(path, 0, "latin1"));
    if (member !== undefined) return { name: member[1], kind: "office" };
  }
  const { name, kind } = signature;
  return { name, kind };
}

/** XML and HTML decode as text, but their tags would reach the model as if they were the document. */
export function detectMarkup(text: string): KnownFormat | undefined {
  const trimmed = text.trim();
  const start = trimmed.slice(0, 100);
  if (/^<(!doctype html|html)\b/i.test(start)) return { name: "HTML document (or hOCR)", kind: "markup" };
  // Any document that opens with a tag and closes with one, whatever its root element.
  if (
    /^<(\?xml|([\w.-]+:)?(alto|PcGts|TEI|mets)\b)/i.test(start) ||
    /^<[\w.:-]+(\s[^>]*)?\/?>([\s\S]*>)?$/.test(trimmed)
  )
    return { name: "XML document (e.g. ALTO, PAGE or TEI)", kind: "markup" };
  return undefined;
}
