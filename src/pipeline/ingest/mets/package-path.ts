/**
 * Where a METS file reference (FLocat xlink:href) points: a file of the package, named by its path
 * from the package's root (resolved from the METS file's own folder, as relative URIs are), a remote
 * URL, or somewhere the package does not reach (an absolute path, `..` past the root, another scheme).
 * References are never resolved against the file system: a package is the files that came with it.
 */

export type FileReference =
  | { kind: "package"; path: string }
  | { kind: "remote"; url: string }
  | { kind: "outside"; why: string };

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** `metsPath` is the METS file's own path in the package ("book/mets.xml"). */
export function resolveReference(metsPath: string, href: string): FileReference {
  const trimmed = href.trim();
  if (/^https?:\/\//i.test(trimmed)) return { kind: "remote", url: trimmed };
  if (/^file:/i.test(trimmed))
    return { kind: "outside", why: "a file: URL, which names a path on some machine" };
  if (SCHEME.test(trimmed) && !/^[A-Za-z]:[\\/]/.test(trimmed))
    return { kind: "outside", why: `a ${trimmed.split(":")[0]}: URL, which is never fetched` };
  let decoded: string;
  try {
    decoded = decodeURIComponent(trimmed.split(/[?#]/)[0] ?? "");
  } catch {
    decoded = trimmed;
  }
  const slashed = decoded.replaceAll("\\", "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed))
    return { kind: "outside", why: "an absolute path" };
  if (slashed.includes("\0")) return { kind: "outside", why: "a NUL in the path" };
  const segments = metsPath.split("/").slice(0, -1);
  for (const segment of slashed.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (segments.length === 0)
        return { kind: "outside", why: "a path that climbs out of the package (..)" };
      segments.pop();
    } else segments.push(segment);
  }
  if (segments.length === 0) return { kind: "outside", why: "an empty path" };
  return { kind: "package", path: segments.join("/") };
}
