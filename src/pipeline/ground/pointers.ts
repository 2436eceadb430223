/** A string value of an item and the JSON pointer (relative to the item) that addresses it. */
export interface VerbatimValue {
  pointer: string;
  value: string;
}

/**
 * The string values that `paths` address in `item`. Paths are JSON pointers relative to the item in
 * which a "*" segment stands for every element of an array (or every member of an object), e.g.
 * "/godparents/*"; the pointers returned are concrete ("/godparents/0"). Paths that lead nowhere or to
 * something other than a string yield nothing: the schema, not grounding, decides what is required.
 */
export function verbatimValues(item: unknown, paths: readonly string[]): VerbatimValue[] {
  const found = new Map<string, string>();
  for (const path of paths) {
    const segments = path === "" ? [] : path.split("/").slice(1).map(unescapeSegment);
    collect(item, segments, "", found);
  }
  return [...found].map(([pointer, value]) => ({ pointer, value }));
}

function collect(value: unknown, segments: string[], pointer: string, found: Map<string, string>): void {
  const [head, ...rest] = segments;
  if (head === undefined) {
    if (typeof value === "string") found.set(pointer, value);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const keys = head === "*" ? Object.keys(value) : Object.hasOwn(value, head) ? [head] : [];
  for (const key of keys) {
    collect((value as Record<string, unknown>)[key], rest, `${pointer}/${escapeSegment(key)}`, found);
  }
}

function unescapeSegment(segment: string): string {
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}

function escapeSegment(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
