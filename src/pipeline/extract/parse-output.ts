/**
 * The model's raw text to a JSON value. The answer is the first JSON object of the output; what
 * follows it is dropped (base BLOOM goes on writing after the object closes). Without a grammar the
 * usual damage is repaired with jsonrepair: unclosed brackets, trailing commas, single quotes, and a
 * bare array of items instead of {"entities": [...]}. With a grammar the server already forced valid
 * JSON, so a broken answer means a cut one, and repairing it would keep a cut last mention.
 */
import { jsonrepair } from "jsonrepair";

export type ParseResult = { ok: true; value: unknown; repaired: boolean } | { ok: false; error: string };

/** Index just past the bracket closing the one at `start`, or -1 when the text ends first. */
function endOfValue(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (quote !== undefined) {
      if (char === "\\") index++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      // Single quotes never occur outside strings in valid JSON; in damaged JSON they delimit strings.
      quote = char;
    } else if (char === "{" || char === "[") {
      depth++;
    } else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

function parse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export function parseModelOutput(raw: string, options: { grammarApplied: boolean }): ParseResult {
  const object = raw.indexOf("{");
  const array = options.grammarApplied ? -1 : raw.indexOf("[");
  const start = array >= 0 && (object < 0 || array < object) ? array : object;
  if (start < 0) return { ok: false, error: "the output holds no JSON object" };
  const end = endOfValue(raw, start);
  const text = end < 0 ? raw.slice(start) : raw.slice(start, end);

  let parsed = parse(text);
  let repaired = false;
  if (!parsed.ok) {
    if (options.grammarApplied)
      return {
        ok: false,
        error:
          end < 0 ? "the JSON object is incomplete: the output was cut" : `invalid JSON: ${parsed.error}`,
      };
    try {
      parsed = parse(jsonrepair(text));
    } catch (error) {
      return { ok: false, error: `invalid JSON that could not be repaired: ${(error as Error).message}` };
    }
    if (!parsed.ok) return { ok: false, error: `invalid JSON that could not be repaired: ${parsed.error}` };
    repaired = true;
  }
  if (Array.isArray(parsed.value)) return { ok: true, value: { entities: parsed.value }, repaired: true };
  return { ok: true, value: parsed.value, repaired };
}
