/**
 * Proactive content negotiation (RFC 9110, 12.5.1): which of the media types a route can answer in the
 * client's Accept header prefers. Each offer takes the quality of the most specific range that matches
 * it (`text/csv;charset=utf-8` over `text/csv` over `text/*` over `*\/*`); `q=0` refuses it. Of the
 * offers with the highest quality, the one matched by the more specific range wins, then the one the
 * client named first, then the route's own order (so `*\/*` gives the route's first offer).
 */

interface MediaType {
  type: string;
  subtype: string;
  /** Parameter names in lower case; values unquoted, as sent. */
  params: Map<string, string>;
}

interface MediaRange extends MediaType {
  q: number;
  /** Position in the header. */
  index: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;
const QUALITY = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The media ranges of an Accept header, in order. A malformed range is left out (as if it were not
 * sent) rather than failing the request: it can match nothing anyway.
 */
export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  splitOutsideQuotes(header, ",").forEach((element, index) => {
    const [essence = "", ...parameters] = splitOutsideQuotes(element, ";");
    const parsed = parseMediaType(essence, parameters, true);
    if (parsed) ranges.push({ ...parsed, index });
  });
  return ranges;
}

/**
 * The offer the Accept header prefers, or undefined when it accepts none of them. Without a header, or
 * with one that holds no valid range (nothing a client means), every offer is acceptable: the first is
 * given.
 */
export function preferredMediaType(
  accept: string | undefined,
  offers: readonly string[],
): string | undefined {
  const ranges = parseAccept(accept ?? "");
  if (ranges.length === 0) return offers[0];
  let best: { offer: string; q: number; specificity: number; index: number } | undefined;
  for (const offer of offers) {
    const [essence = "", ...parameters] = splitOutsideQuotes(offer, ";");
    const type = parseMediaType(essence, parameters, false);
    if (!type) throw new Error(`${offer} is not a media type`);
    const range = mostSpecificMatch(ranges, type);
    if (!range || range.q === 0) continue;
    const candidate = { offer, q: range.q, specificity: specificity(range), index: range.index };
    // Strictly better only: among equals the route's earlier offer stays.
    if (!best || compare(candidate, best) > 0) best = candidate;
  }
  return best?.offer;
}

function compare(
  a: { q: number; specificity: number; index: number },
  b: { q: number; specificity: number; index: number },
): number {
  return a.q - b.q || a.specificity - b.specificity || b.index - a.index;
}

function mostSpecificMatch(ranges: readonly MediaRange[], offer: MediaType): MediaRange | undefined {
  let found: MediaRange | undefined;
  for (const range of ranges) {
    if (!matches(range, offer)) continue;
    if (!found || specificity(range) > specificity(found)) found = range;
  }
  return found;
}

function matches(range: MediaRange, offer: MediaType): boolean {
  if (range.type !== "*" && range.type !== offer.type) return false;
  if (range.subtype !== "*" && range.subtype !== offer.subtype) return false;
  for (const [name, value] of range.params) {
    const offered = offer.params.get(name);
    // A charset is compared without regard to case (RFC 9110, 8.3.2); other values as they are.
    if (offered === undefined || !sameValue(name, offered, value)) return false;
  }
  return true;
}

function sameValue(name: string, a: string, b: string): boolean {
  return name === "charset" ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** `*\/*` 0, `type/*` 1, `type/subtype` 2, plus one for each parameter. */
function specificity(range: MediaRange): number {
  return (range.type === "*" ? 0 : 1) + (range.subtype === "*" ? 0 : 1) + range.params.size;
}

function parseMediaType(
  essence: string,
  parameters: string[],
  isRange: boolean,
): (MediaType & { q: number }) | undefined {
  const [type = "", subtype = "", ...rest] = essence.trim().toLowerCase().split("/");
  if (rest.length > 0 || !TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  if (type === "*" && subtype !== "*") return undefined;
  const params = new Map<string, string>();
  let q = 1;
  for (const parameter of parameters) {
    const at = parameter.indexOf("=");
    const name = parameter.slice(0, at).trim().toLowerCase();
    const value = unquote(parameter.slice(at + 1).trim());
    if (at < 0 || !TOKEN.test(name)) return undefined;
    if (isRange && name === "q") {
      if (!QUALITY.test(value)) return undefined;
      q = Number(value);
      // What follows the weight are accept-extensions, which say nothing about the media type.
      break;
    }
    params.set(name, value);
  }
  return { type, subtype, params, q };
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2
    ? value.slice(1, -1).replace(/\\(.)/g, "$1")
    : value;
}

/** Splits on `separator` where it is not inside a quoted string (a parameter value may hold one). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted && char === "\\" && i + 1 < text.length) {
      current += char + text[++i];
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts.filter((part) => part.trim() !== "");
}
