/**
 * The simple gold format: JSON Lines, one document per line,
 *
 *   {"id": "acte-12", "language": "fr", "text": "...", "mentions": [{"type": "person", "start": 0, "end": 13}]}
 *
 * with offsets in Unicode code points, half-open, exactly as the product reports them; `text` on a
 * mention is optional and, when given, must be the slice the offsets point to (which catches offsets
 * counted in bytes or UTF-16 units). `entities` is read as `mentions`, so a result of
 * `palimpsest extract`, corrected by hand, is gold as it stands, and so is a reviewed record (a
 * document's JSON, a job's results: people's corrections in, rejected mentions out); `doc` and `lang`
 * are read as `id` and `language`.
 */
import { PalimpsestError } from "../errors.js";
import { CodePointIndex } from "../text/code-points.js";
import type { GoldDocument, GoldFile, GoldMention } from "./gold.js";

export function parseGoldJsonl(content: string, path: string): GoldFile {
  const documents: GoldDocument[] = [];
  content
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() === "") return;
      const problem = (message: string) =>
        new PalimpsestError("INVALID_GOLD", `${path}, line ${index + 1}: ${message}.`);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw problem(`not JSON (${(error as Error).message})`);
      }
      const document = goldLine(value, problem);
      if (document !== undefined) documents.push(readDocument(document, String(index + 1), problem));
    });
  return { path, format: "jsonl", documents };
}

/**
 * The document a line holds: the line itself, or the Extraction of a line of a job's results (GET
 * /v1/jobs/:id/results, a reviewed batch's record), none for its failed and skipped entries. A line
 * of a mention export (`format=jsonl`) has no text to run the product on: refused, saying what to use.
 */
function goldLine(value: unknown, problem: (message: string) => Error): unknown {
  if (!isRecord(value)) return value;
  if (typeof value.path === "string" && typeof value.status === "string") return value.extraction;
  if (typeof value.document === "string" && typeof value.entity === "string" && !("mentions" in value))
    throw problem(
      "this is one mention of a mention-per-line export (format=jsonl), which has no document text to run the product on; use the document's JSON (GET /v1/documents/:id/entities, one line) or its job's results (GET /v1/jobs/:id/results)",
    );
  return value;
}

function readDocument(value: unknown, line: string, problem: (message: string) => Error): GoldDocument {
  if (!isRecord(value) || typeof value.text !== "string") throw problem('a document needs a "text" string');
  const listed = value.mentions ?? value.entities ?? [];
  if (!Array.isArray(listed)) throw problem('"mentions" must be an array');
  const text = value.text;
  const index = new CodePointIndex(text);
  const mentions = listed.map((mention, i): GoldMention => {
    const { type, start, end } = isRecord(mention) ? mention : {};
    if (
      typeof type !== "string" ||
      !isOffset(start) ||
      !isOffset(end) ||
      start >= end ||
      end > index.length
    ) {
      throw problem(
        `mention ${i + 1} needs a "type" and code point offsets 0 <= start < end <= ${index.length} (the text's length)`,
      );
    }
    const slice = text.slice(index.toUtf16(start), index.toUtf16(end));
    const given = isRecord(mention) ? mention.text : undefined;
    if (given !== undefined && given !== slice) {
      throw problem(
        `mention ${i + 1} says "${String(given)}" but [${start}, ${end}) is "${slice}" (offsets count Unicode code points)`,
      );
    }
    return { type, start, end, text: slice };
  });
  // A product result keeps its id and language under `document`; other gold files name them `doc`, `lang`.
  const about = isRecord(value.document) ? value.document : {};
  const named = value.id ?? value.doc ?? about.filename ?? about.id;
  const id = typeof named === "string" || typeof named === "number" ? String(named) : `line ${line}`;
  const spoken = value.language ?? value.lang ?? about.language;
  const language = typeof spoken === "string" ? spoken : undefined;
  return { id, text, ...(language ? { language } : {}), mentions };
}

function isOffset(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
