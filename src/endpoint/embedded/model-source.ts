/**
 * BLOOM_MODEL, read: a file on the Hugging Face hub (`hf:owner/repo[@revision]/path/file.gguf`), an http(s)
 * URL, or a local path. Remote files get a place under MODELS_DIR derived from the reference alone, so
 * two references never share a file and no reference can name a path outside the folder.
 */
import { createHash } from "node:crypto";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

/** The model used when BLOOM_MODEL is unset; the README and the logs name it from here. */
export const DEFAULT_MODEL = {
  reference: "hf:QuantFactory/bloomz-560m-GGUF/bloomz-560m.Q5_K_M.gguf",
  sha256: "72457a39a6d32089da3e690e11c8b4e3b09dfcd471b37d6f34ec960b3f94351f",
  /** Approximate, for people; the download checks the exact size the hub announces. */
  megabytes: 626,
  licence: "bigscience-bloom-rail-1.0",
} as const;

export type ModelSource =
  | { kind: "local"; reference: string; path: string }
  | {
      kind: "remote";
      reference: string;
      url: string;
      /** The file's name, as a person would look for it. */
      fileName: string;
      /** Where it is kept, relative to MODELS_DIR (always inside it). */
      storedAs: string;
    };

const HUB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REVISION = /^[A-Za-z0-9._%-]+$/;
const FORMS = "hf:owner/repo/file.gguf, hf:owner/repo@revision/file.gguf, an http(s) URL or a local path";

/**
 * Reads a model reference; throws an Error saying what is wrong with it.
 * @param hubUrl HF_ENDPOINT, which hf: references are downloaded from
 * @param cwd what a relative local path is relative to
 */
export function parseModelReference(reference: string, hubUrl: string, cwd = process.cwd()): ModelSource {
  const trimmed = reference.trim();
  if (trimmed.startsWith("hf:")) return hubSource(trimmed, hubUrl);
  if (/^https?:\/\//i.test(trimmed)) return urlSource(trimmed);
  // One letter before the colon is a Windows drive, not a scheme.
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(trimmed))
    throw new Error(`"${trimmed}" is not a model reference this version can fetch; use ${FORMS}`);
  if (trimmed === "") throw new Error(`the model reference is empty; use ${FORMS}`);
  return { kind: "local", reference: trimmed, path: isAbsolute(trimmed) ? trimmed : resolve(cwd, trimmed) };
}

function hubSource(reference: string, hubUrl: string): ModelSource {
  const [owner, repoAndRevision, ...file] = reference.slice("hf:".length).split("/");
  const [repo, revision = "main", ...extra] = (repoAndRevision ?? "").split("@");
  const valid =
    owner !== undefined &&
    HUB_NAME.test(owner) &&
    repo !== undefined &&
    HUB_NAME.test(repo) &&
    REVISION.test(revision) &&
    extra.length === 0 &&
    file.length > 0 &&
    file.every((segment) => segment !== "" && segment !== "." && segment !== "..");
  if (!valid)
    throw new Error(`"${reference}" is not a hub reference; use hf:owner/repo[@revision]/file.gguf`);
  const path = file.map(encodeURIComponent).join("/");
  return {
    kind: "remote",
    reference,
    url: `${hubUrl.replace(/\/+$/, "")}/${owner}/${repo}/resolve/${revision}/${path}`,
    fileName: file.at(-1) as string,
    // The revision is part of the name: the same file at two revisions is two files.
    storedAs: join("hub", owner, repo, safeSegment(revision), ...file.map(safeSegment)),
  };
}

function urlSource(reference: string): ModelSource {
  let url: URL;
  try {
    url = new URL(reference);
  } catch {
    throw new Error(`"${reference}" is not a valid URL`);
  }
  const segments = url.pathname.split("/").filter((segment) => segment !== "");
  const fileName = url.pathname.endsWith("/") ? "" : decodeSegment(segments.at(-1) ?? "");
  if (fileName === "") throw new Error(`"${reference}" names no file (its path ends with "/")`);
  // A query can select another file at the same path: it gets its own folder.
  const query =
    url.search === "" ? [] : [`q-${createHash("sha256").update(url.search).digest("hex").slice(0, 12)}`];
  return {
    kind: "remote",
    reference,
    url: url.toString(),
    fileName,
    storedAs: join(
      "url",
      safeSegment(url.host),
      ...segments.slice(0, -1).map(decodeSegment).map(safeSegment),
      ...query,
      safeSegment(fileName),
    ),
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * One path segment safe on every file system: characters other than letters, digits, `.`, `_` and `-`
 * are percent-encoded (so two different names stay different), and `.` or `..` alone are encoded too.
 */
export function safeSegment(segment: string): string {
  const encoded = Array.from(new TextEncoder().encode(segment), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9._-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
  return encoded === "." || encoded === ".." ? encoded.replaceAll(".", "%2E") : encoded;
}

/** The absolute path of a remote source's file in MODELS_DIR; throws if it would fall outside. */
export function storedPath(modelsDir: string, source: Extract<ModelSource, { kind: "remote" }>): string {
  const path = resolve(modelsDir, source.storedAs);
  const inside = relative(modelsDir, path);
  if (inside === "" || inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside))
    throw new Error(`the model reference "${source.reference}" maps outside ${modelsDir}`);
  return path;
}
