/**
 * Streams an XML document through saxes, element by element, so an importer keeps only what it
 * needs (never a DOM of a 50 MiB export). Element names reach the visitor without their namespace
 * prefix: ALTO v2-v4 and PAGE 2013/2019 differ by namespace only, and real exports use prefixes
 * freely.
 *
 * saxes never expands entities declared in a DOCTYPE, but it would stop on their references with a
 * confusing message; a document that declares any is refused up front, with the reason: internal
 * entities are how "billion laughs" bombs exhaust memory, external ones how files or URLs get read.
 * A DOCTYPE that only names a DTD (XHTML hOCR does) is harmless, since no DTD is ever loaded.
 */
import { SaxesParser } from "saxes";
import { PalimpsestError } from "../../../errors.js";

/** Where a start tag stands in the text: [start, end) in UTF-16 units, from its "<" to past its ">". */
export interface TagSpan {
  start: number;
  end: number;
}

export interface XmlVisitor {
  open(name: string, attributes: Readonly<Record<string, string>>, tag: TagSpan): void;
  /** `tag` is the end tag, or the start tag itself of an empty element written `<name/>`. */
  close(name: string, tag: TagSpan & { selfClosing: boolean }): void;
  text?(text: string): void;
}

export interface WalkOptions {
  /** Format name for messages, e.g. "ALTO". */
  format: string;
  /** Named entities beyond XML's five (HTML's &nbsp; in hOCR). */
  entities?: Readonly<Record<string, string>>;
}

const CHUNK = 64 * 1024;

export function walkXml(text: string, visitor: XmlVisitor, options: WalkOptions): void {
  const parser = new SaxesParser({ position: true });
  Object.assign(parser.ENTITIES, options.entities);
  parser.on("doctype", (doctype) => {
    if (/<!ENTITY/i.test(doctype)) throw unsafe(options.format);
  });
  parser.on("opentag", (tag) => {
    // The parser stands just past the tag's ">"; attribute values may hold ">" but never "<".
    const end = parser.position;
    const span = { start: text.lastIndexOf("<", end - 1), end };
    visitor.open(localName(tag.name), tag.attributes as Record<string, string>, span);
  });
  parser.on("closetag", (tag) => {
    const end = parser.position;
    const span = { start: text.lastIndexOf("<", end - 1), end, selfClosing: tag.isSelfClosing };
    visitor.close(localName(tag.name), span);
  });
  if (visitor.text) {
    const onText = visitor.text.bind(visitor);
    parser.on("text", onText);
    parser.on("cdata", onText);
  }
  parser.on("error", (error) => {
    throw new PalimpsestError(
      "CORRUPT_DOCUMENT",
      `The ${options.format} file is not well-formed XML (${error.message}). Check that the export is complete, or export it again.`,
      { cause: error },
    );
  });
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + CHUNK, text.length);
    // Never split a surrogate pair between two chunks.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end++;
    parser.write(text.slice(start, end));
    start = end;
  }
  parser.close();
}

function localName(name: string): string {
  return name.slice(name.indexOf(":") + 1);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function unsafe(format: string): PalimpsestError {
  return new PalimpsestError(
    "UNSAFE_XML",
    `The ${format} file declares entities in its DOCTYPE. Entities are not expanded, as they can exhaust memory (an "XML bomb") or read other files (external entities). Export the file without a DOCTYPE, or with one that declares no entities.`,
  );
}
