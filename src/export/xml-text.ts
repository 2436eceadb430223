/**
 * Text and attribute values for the XML exports. A document's text may hold characters XML 1.0 does
 * not allow (a form feed or a vertical tab from an old text file, a lone surrogate): each becomes
 * U+FFFD, so the file stays well-formed and every other character keeps its place.
 */

const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(text: string): string {
  return text.replace(NOT_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A value for a double-quoted attribute; line breaks and tabs as references, which parsers keep. */
export function xmlAttribute(value: string): string {
  return xmlText(value)
    .replace(/"/g, "&quot;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

/** ` name="value"` for each defined value, in order. */
export function xmlAttributes(attributes: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttribute(value)}"`)
    .join("");
}

/** An xml:id (an NCName) made of any string: characters other than ASCII letters, digits, . - _ become "_". */
export function xmlId(value: string): string {
  const name = value.replace(/[^A-Za-z0-9._-]/g, "_");
  return /^[A-Za-z_]/.test(name) ? name : `id-${name}`;
}
