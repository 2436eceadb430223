/**
 * Entry names are untrusted. Nothing is ever written under an entry's name (documents are stored by
 * content hash), but a name that climbs out of the archive or is absolute is a sign of a crafted archive
 * and is refused, as unpackers must: it never becomes a document path.
 */
import { SkipEntry } from "./skip-reasons.js";

/** The name as a clean relative path with "/" separators; SkipEntry for unsafe names. */
export function safeEntryPath(name: string): string {
  if (name.includes("\0")) throw new SkipEntry("PATH_TRAVERSAL", "NUL in the name");
  // Windows tools write "\" separators; "..\..\x" must be caught as well as "../../x".
  const slashed = name.replaceAll("\\", "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) throw new SkipEntry("ABSOLUTE_PATH", name);
  const segments = slashed.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) throw new SkipEntry("PATH_TRAVERSAL", name);
  if (segments.length === 0) throw new SkipEntry("PATH_TRAVERSAL", `empty name "${name}"`);
  return segments.join("/");
}
