/**
 * Which XML format a document is, from its root element (and, for XHTML, the hOCR classes in it).
 * Prefixes and namespaces vary between versions and producers; the local name of the root does not.
 */

export type XmlFormat = "alto" | "page" | "hocr";

/** Enough text to get past the prolog, comments and a DOCTYPE to the root element. */
const HEAD = 16 * 1024;

export function detectXmlFormat(text: string): XmlFormat | "mets" | undefined {
  const head = text
    .slice(0, HEAD)
    .replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/gi, "");
  const root = head.match(/<(?:[\w.-]+:)?([\w.-]+)/)?.[1]?.toLowerCase();
  switch (root) {
    case "alto":
      return "alto";
    case "pcgts":
      return "page";
    case "mets":
      return "mets";
    case "html":
      return /class\s*=\s*["'][^"']*\bocr_page\b/.test(text) ? "hocr" : undefined;
    default:
      return undefined;
  }
}
