/**
 * Which entries of a batch are documents. Decided by content where content can tell (an archive, an
 * office file, an input format that batches do not take: see the registry's `batches`), by name only
 * for the files systems and archivers leave behind (.DS_Store, __MACOSX/...). Anything else is a
 * document candidate: the pipeline reads it or refuses it with its own error.
 */
import { detectBinaryFormat } from "../../pipeline/ingest/formats.js";
import { formatOfHead } from "../../pipeline/ingest/registry.js";
import { type ArchiveFormat, archiveFormat } from "../archive/entry.js";

export type Classified =
  | { kind: "document" }
  | { kind: "archive"; format: ArchiveFormat }
  | { kind: "other"; what: string };

const SYSTEM_FILES = new Set(["thumbs.db", "desktop.ini", "icon\r"]);
/** ZIP files that are documents of another kind: their members are not documents to extract from. */
const ZIP_BASED = /\.(docx|docm|xlsx|xlsm|pptx|odt|ods|odp|odg|epub|jar|apk|kmz)$/i;

/** A name that marks a file as metadata, never a document; undefined when the name says nothing. */
export function systemFile(path: string): string | undefined {
  const segments = path.split("/");
  const base = (segments.at(-1) ?? "").toLowerCase();
  if (segments.includes("__MACOSX")) return "macOS metadata (__MACOSX)";
  if (base.startsWith(".")) return "hidden file";
  if (SYSTEM_FILES.has(base)) return "system file";
  return undefined;
}

export function classify(path: string, head: Uint8Array): Classified {
  const input = formatOfHead(head);
  // A format known by its bytes is a document even where it looks like an archive (a METS package is a TAR).
  if (input?.detect.by === "bytes" && input.batches) return { kind: "document" };
  const known = detectBinaryFormat(head);
  if (known?.kind === "office") return { kind: "other", what: known.name };
  const format = archiveFormat(head);
  if (format === "zip" && ZIP_BASED.test(path)) return { kind: "other", what: "a ZIP-based document format" };
  if (format) return { kind: "archive", format };
  if (known && known.kind !== "image") return { kind: "other", what: known.name };
  if (input !== undefined && !input.batches)
    return { kind: "other", what: `${input.name}, which batches do not take` };
  return { kind: "document" };
}
