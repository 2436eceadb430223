/** Edits of a start tag's source, for the exports that add to an XML file in place (byte-edits.ts). */
import type { TagSpan } from "../pipeline/ingest/xml/walk-xml.js";
import { type Edit, isUnicode } from "./byte-edits.js";
import { xmlAttribute } from "./xml-text.js";

/**
 * Adds `value` to the attribute `name` of the start tag: after the attribute's value, separated by a
 * space, where the tag has it; as a new attribute at the end of the tag otherwise.
 */
export function appendToAttribute(text: string, tag: TagSpan, name: string, value: string): Edit {
  const source = text.slice(tag.start, tag.end);
  const attribute = new RegExp(`\\s${name}\\s*=\\s*(["'])([^"']*)\\1`).exec(source);
  if (attribute) {
    const quote = tag.start + attribute.index + attribute[0].length - 1;
    const separator = (attribute[2] ?? "").trim() === "" ? "" : " ";
    return { at: quote, insert: `${separator}${xmlAttribute(value)}` };
  }
  const end = source.endsWith("/>") ? tag.end - 2 : tag.end - 1;
  return { at: end, insert: ` ${name}="${xmlAttribute(value)}"` };
}

/** The element's name as written in the file, with its prefix (`alto:Layout`). */
export function qualifiedName(text: string, tag: TagSpan): string {
  return /^[^\s/>]+/.exec(text.slice(tag.start + 1, tag.end))?.[0] ?? "";
}

/** The blanks that open the line the position is on, to indent new elements like their neighbours. */
export function indentBefore(text: string, at: number): string {
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  const before = text.slice(lineStart, at);
  return /^[ \t]*$/.test(before) ? before : "";
}

/** Inserted XML as the file's encoding can hold it: characters beyond ASCII as references in legacy code pages. */
export function onlyEncodable(encoding: string): (xml: string) => string {
  if (isUnicode(encoding)) return (xml) => xml;
  return (xml) =>
    xml.replace(/[^\p{ASCII}]/gu, (char) => `&#x${(char.codePointAt(0) as number).toString(16)};`);
}
