/**
 * Decides what an upload is from its content. The name and the declared type are only used to
 * explain a mismatch: a "report.pdf" that holds text is refused rather than read as something it
 * is not.
 */
import { PalimpsestError } from "../../errors.js";
import { type DecodedText, decodeText } from "./decode-text.js";
import { detectBinaryFormat, detectMarkup, type FormatKind, type KnownFormat } from "./formats.js";
import { FORMATS, formatByMagic, type RegisteredFormat } from "./registry.js";
import { xmlRoot } from "./xml/detect.js";

export interface SniffHints {
  filename?: string;
  declaredType?: string;
}

/** The format the content is, with the decoded text for formats recognised as text. */
export interface Sniffed {
  format: RegisteredFormat;
  decoded?: DecodedText;
}

/** Control characters (C0, DEL, C1) other than tab, line feed, vertical tab, form feed and carriage return. */
const CONTROL = /[^\P{Cc}\t\n\v\f\r]/gu;
/** Bytes looked at first to tell binary data from text (even, so UTF-16 is not cut mid-unit). */
const BINARY_SAMPLE_BYTES = 64 * 1024;
/** Old text files carry the odd control byte (a DOS end-of-file mark); binary data is full of them. */
const MAX_CONTROL_RATIO = 0.01;

const ADVICE: Record<FormatKind, string> = {
  image: "Convert it to TIFF, PNG or JPEG (the image formats read by OCR) and send that.",
  archive: "Archives are not unpacked: send the documents in it one by one.",
  office: "Save it as PDF or as plain text and send that.",
  markup:
    "Of XML and HTML files, ALTO, PAGE and hOCR are read; a METS file is read with the files it lists, so send them together as a batch (a ZIP or TAR to POST /v1/batches, or a folder to palimpsest batch). Otherwise send a PDF or the plain text.",
  other: "Send a PDF, an image (TIFF, PNG, JPEG), an ALTO, PAGE or hOCR file, or a plain-text file.",
};

export function sniff(bytes: Uint8Array, hints: SniffHints = {}): Sniffed {
  const magic = formatByMagic(bytes);
  if (magic !== undefined && (magic.mediaType === "application/pdf" || !claimsPdf(hints)))
    return { format: magic };
  if (magic !== undefined) throw unsupported({ name: magic.name, kind: "image" }, hints);

  const binary = detectBinaryFormat(bytes);
  if (binary !== undefined) throw unsupported(binary, hints);

  // Binary data is refused from its first bytes: decoding tens of megabytes of it as text would hold the
  // event loop for seconds before finding it is not text.
  if (
    bytes.byteLength > BINARY_SAMPLE_BYTES &&
    looksBinary(decodeText(bytes.subarray(0, BINARY_SAMPLE_BYTES)).text)
  )
    throw unsupported({ name: "binary data of an unknown format", kind: "other" }, hints);
  const decoded = decodeText(bytes);
  if (decoded.text.trim() === "")
    throw new PalimpsestError("EMPTY_DOCUMENT", `${subject(hints)} is empty or contains only whitespace.`);
  if (looksBinary(decoded.text))
    throw unsupported({ name: "binary data of an unknown format", kind: "other" }, hints);
  const markup = detectMarkup(decoded.text);
  if (markup !== undefined) {
    const root = xmlRoot(decoded.text) ?? "";
    const format = FORMATS.find(({ detect }) => detect.by === "markup" && detect.matches(root, decoded.text));
    if (format === undefined || claimsPdf(hints))
      throw unsupported(root === "mets" ? { name: "METS document", kind: "markup" } : markup, hints);
    return { format, decoded };
  }
  const json = jsonFormat(decoded.text);
  if (json !== undefined && !claimsPdf(hints)) return { format: json, decoded };
  if (claimsPdf(hints))
    throw new PalimpsestError(
      "UNSUPPORTED_MEDIA_TYPE",
      `${subject(hints)} is presented as a PDF but is not one: it contains plain text (no %PDF- header). Send the original PDF, or send the text as a .txt file.`,
      { details: { detected: "text/plain" } },
    );
  const text = FORMATS.find(({ detect }) => detect.by === "text");
  if (text === undefined) throw unsupported({ name: "text", kind: "other" }, hints);
  return { format: text, decoded };
}

/** The format of a JSON document (a IIIF manifest); other JSON is read as the text it is. */
function jsonFormat(text: string): RegisteredFormat | undefined {
  if (!text.trimStart().startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return FORMATS.find(({ detect }) => detect.by === "json" && detect.matches(value));
}

/** Text never contains NUL (UTF-16 has already been decoded); other controls are rare in it. */
function looksBinary(text: string): boolean {
  if (text.includes("\0")) return true;
  const controls = text.match(CONTROL)?.length ?? 0;
  return controls > text.length * MAX_CONTROL_RATIO;
}

function claimsPdf({ filename, declaredType }: SniffHints): boolean {
  const type = declaredType?.split(";")[0]?.trim().toLowerCase();
  return (
    filename?.toLowerCase().endsWith(".pdf") === true ||
    type === "application/pdf" ||
    type === "application/x-pdf"
  );
}

function subject({ filename }: SniffHints): string {
  return filename === undefined ? "The file" : `"${filename}"`;
}

function unsupported(format: KnownFormat, hints: SniffHints): PalimpsestError {
  const mismatch = claimsPdf(hints) ? ", not a PDF" : "";
  return new PalimpsestError(
    "UNSUPPORTED_MEDIA_TYPE",
    `${subject(hints)} is not supported (detected: ${format.name}${mismatch}). ${ADVICE[format.kind]}`,
    { details: { detected: format.name } },
  );
}
