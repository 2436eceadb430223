/**
 * HIPE TSV gold files (HIPE-2020 and HIPE-2022 flavours) read into documents: the text rebuilt from
 * the tokens, the NE-COARSE-LIT mentions in code point offsets, and everything needed to write
 * predictions back in the file's exact shape (see export/hipe-tsv.ts).
 *
 * The traps of real files (DESIGN §3), each handled here:
 * - a line is a comment only when it has no tab: token rows such as "#" or "###ennemie" start with "#";
 * - metadata keys come bare (2020: "document_id") or prefixed (2022: "hipe2022:document_id");
 * - a document's comments may precede its `document_id` (ajmc), so comments after a document's last
 *   token belong to the next document when a `document_id` is among them;
 * - MISC cells may be empty (topres19th) and carry several flags ("NoSpaceAfter|EndOfLine|LED0.00");
 *   EndOfLine wins over NoSpaceAfter, since a word broken at a line end ("ex¬" + "cessif") still
 *   stands on two lines of the page;
 * - tags are spelled per data set (pers, PER, HumanProd), and I- may follow O (read as a start).
 */
import { PalimpsestError } from "../errors.js";
import { CodePointIndex } from "../text/code-points.js";
import type { GoldDocument, GoldFile, GoldToken } from "./gold.js";
import { decodeIob } from "./iob.js";

export interface HipeToken extends GoldToken {
  /** The row's cells as written, in the file's column order. */
  cells: string[];
  /** Comment lines that stand between the previous token and this one, inside the document. */
  comments: string[];
}

export interface HipeDocument extends GoldDocument {
  tokens: HipeToken[];
  /** The comment lines introducing the document, as written. */
  comments: string[];
  /** Their keys and values; HIPE-2022 keys keep their prefix ("hipe2022:language"). */
  metadata: Record<string, string>;
}

export interface HipeFile extends GoldFile {
  format: "hipe-tsv";
  /** The header's column names, in order. */
  columns: string[];
  documents: HipeDocument[];
}

export const TOKEN_COLUMN = "TOKEN";
export const TAG_COLUMN = "NE-COARSE-LIT";
export const MISC_COLUMN = "MISC";

const METADATA = /^#\s*([^\s=]+)\s*=\s?(.*)$/;

/** A metadata value under its bare or its HIPE-2022 key. */
export function metadataValue(metadata: Record<string, string>, key: string): string | undefined {
  const value = metadata[key] ?? metadata[`hipe2022:${key}`];
  return value === undefined || value === "" || value === "NA" ? undefined : value;
}

export function parseHipeTsv(content: string, path: string): HipeFile {
  const lines = content.replace(/^\uFEFF/, "").split(/\r?\n/);
  const headerAt = lines.findIndex((line) => line.trim() !== "");
  const header = lines[headerAt] ?? "";
  const columns = header.split("\t");
  const column = (name: string) => columns.indexOf(name);
  if (column(TOKEN_COLUMN) !== 0 || column(TAG_COLUMN) < 0) {
    throw invalid(
      path,
      headerAt + 1,
      `the first line must be the header: TOKEN, ${TAG_COLUMN}, ... MISC, tab-separated`,
    );
  }
  const tagAt = column(TAG_COLUMN);
  const miscAt = column(MISC_COLUMN);

  const builders: DocumentBuilder[] = [];
  let pending: string[] = [];
  lines.forEach((line, index) => {
    if (index <= headerAt || line.trim() === "" || line === header) return;
    if (!line.includes("\t")) {
      if (!line.startsWith("#")) {
        throw invalid(path, index + 1, "a line is a token row (tab-separated cells), a # comment, or blank");
      }
      pending.push(line);
      return;
    }
    const cells = line.split("\t");
    const token = cells[0] ?? "";
    // As the official scorer does: a row without a token is skipped.
    if (token === "") return;
    let current = builders.at(-1);
    if (current === undefined || pending.some(isDocumentStart)) {
      current = new DocumentBuilder(pending, builders.length + 1);
      builders.push(current);
    } else {
      current.commentsBeforeNext = pending;
    }
    pending = [];
    current.add(token, cells, (cells[tagAt] ?? "O").trim(), (cells[miscAt] ?? "").split("|"));
  });
  const documents = builders.map((builder) => builder.build());
  const dataset = documents
    .map((d) => metadataValue(d.metadata, "dataset"))
    .find((value) => value !== undefined);
  return { path, format: "hipe-tsv", columns, documents, ...(dataset ? { dataset } : {}) };
}

function isDocumentStart(comment: string): boolean {
  const key = METADATA.exec(comment)?.[1];
  return key === "document_id" || key?.endsWith(":document_id") === true;
}

class DocumentBuilder {
  commentsBeforeNext: string[] = [];
  private readonly comments: string[];
  private readonly ordinal: number;
  private readonly parts: string[] = [];
  private readonly tokens: HipeToken[] = [];
  private codePoints = 0;
  private separator = "";

  constructor(comments: string[], ordinal: number) {
    this.comments = comments;
    this.ordinal = ordinal;
  }

  add(token: string, cells: string[], tag: string, flags: string[]): void {
    this.append(this.separator);
    const start = this.codePoints;
    this.append(token);
    this.tokens.push({
      text: token,
      start,
      end: this.codePoints,
      tag,
      cells,
      comments: this.commentsBeforeNext,
    });
    this.commentsBeforeNext = [];
    this.separator = flags.includes("EndOfLine") ? "\n" : flags.includes("NoSpaceAfter") ? "" : " ";
  }

  build(): HipeDocument {
    const metadata: Record<string, string> = {};
    for (const comment of this.comments) {
      const match = METADATA.exec(comment);
      if (match?.[1] !== undefined) metadata[match[1]] = (match[2] ?? "").trim();
    }
    const text = this.parts.join("");
    const index = new CodePointIndex(text);
    const mentions = decodeIob(this.tokens.map((t) => t.tag)).map((span) => {
      const start = this.tokens[span.start]?.start ?? 0;
      const end = this.tokens[span.end - 1]?.end ?? start;
      return { type: span.type, start, end, text: text.slice(index.toUtf16(start), index.toUtf16(end)) };
    });
    const language = metadataValue(metadata, "language");
    return {
      id: metadataValue(metadata, "document_id") ?? String(this.ordinal),
      text,
      ...(language ? { language } : {}),
      mentions,
      tokens: this.tokens,
      comments: this.comments,
      metadata,
    };
  }

  private append(part: string): void {
    this.parts.push(part);
    for (const _ of part) this.codePoints++;
  }
}

function invalid(path: string, line: number, problem: string): PalimpsestError {
  return new PalimpsestError("INVALID_GOLD", `${path}, line ${line}: ${problem}.`);
}

export function isHipeFile(file: GoldFile): file is HipeFile {
  return file.format === "hipe-tsv" && "columns" in file;
}
