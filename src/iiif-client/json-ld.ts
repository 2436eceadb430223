/**
 * Reading IIIF JSON-LD leniently: Presentation 3 writes `id` and `type`, 2.1 `@id` and `@type` with
 * prefixes (`sc:Canvas`, `oa:Annotation`); single values stand where lists are allowed, and the other
 * way round. Nothing here trusts a shape: a wrong one is a missing value.
 */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A list, whether the JSON wrote one value or a list of them; objects only. */
export function objects(value: unknown): Json[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter(isObject);
}

/** The node's IRI: `id` (3) or `@id` (2.1); a bare string is its own IRI. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!isObject(value)) return undefined;
  const id = value.id ?? value["@id"];
  return typeof id === "string" ? id : undefined;
}

/** The node's type without its prefix: "Canvas" for both "Canvas" and "sc:Canvas". */
export function typeOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const types = [value.type, value["@type"]]
    .flat()
    .filter((type): type is string => typeof type === "string");
  const [first] = types;
  return first?.slice(first.indexOf(":") + 1);
}

export function numberOf(value: unknown): number | undefined {
  const number = typeof value === "string" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) && number > 0 ? number : undefined;
}

/**
 * A label as one string: 3's language map (`{"en": ["..."]}`, "none" and English first), 2.1's string,
 * `{"@value": ...}` or list of them.
 */
export function labelOf(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (Array.isArray(value)) return value.map(labelOf).find((label) => label !== undefined);
  if (!isObject(value)) return undefined;
  if ("@value" in value) return labelOf(value["@value"]);
  const languages = Object.keys(value).sort((a, b) => rank(a) - rank(b));
  for (const language of languages) {
    const label = labelOf(value[language]);
    if (label !== undefined) return label;
  }
  return undefined;
}

function rank(language: string): number {
  if (language === "none") return 0;
  if (language === "en") return 1;
  return 2;
}
