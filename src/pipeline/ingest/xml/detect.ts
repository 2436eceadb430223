/**
 * The root element of an XML (or XHTML) document, which tells its format: prefixes and namespaces
 * vary between versions and producers; the local name of the root does not.
 */

/** Enough text to get past the prolog, comments and a DOCTYPE to the root element. */
const HEAD = 16 * 1024;

/** The local name of the root element, lower-cased; undefined when none is found near the start. */
export function xmlRoot(text: string): string | undefined {
  const head = text
    .slice(0, HEAD)
    .replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/gi, "");
  return head.match(/<(?:[\w.-]+:)?([\w.-]+)/)?.[1]?.toLowerCase();
}

/** hOCR is XHTML whose elements carry the hOCR classes. */
export function isHocr(root: string, text: string): boolean {
  return root === "html" && /class\s*=\s*["'][^"']*\bocr_page\b/.test(text);
}
