/**
 * A batch from a IIIF manifest or collection URL: a manifest is one document (its JSON, whose
 * canvases the reader fetches); a collection's manifests are documents each, nested collections
 * followed (each once: a collection that lists itself is read once), at most IIIF_MAX_MANIFESTS. The
 * URL the batch was given must work: when it cannot be fetched or read the job fails; a member that
 * cannot is skipped with its reason, and the others go on.
 */
import { isPalimpsestError } from "../../errors.js";
import { invalidManifest, readIiif } from "../../iiif-client/manifest.js";
import type { RemoteFetcher } from "../../remote/fetcher.js";
import { SkipEntry } from "../archive/skip-reasons.js";
import type { Intake } from "./intake.js";

export interface ManifestSource {
  fetcher: RemoteFetcher;
  /** IIIF_MAX_MANIFESTS */
  maxManifests: number;
}

const JSON_TYPES = ["application/json"];
/** Presentation 3 first; servers that only have 2.1 answer with it. */
const ACCEPT =
  'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json", application/ld+json;q=0.9, application/json;q=0.8';

export async function admitManifest(intake: Intake, url: string, source: ManifestSource): Promise<void> {
  const queue: string[] = [url];
  const seen = new Set<string>([url]);
  // Manifests and collections admitted or waiting: collections count too, or nesting could be endless.
  let planned = 0;
  while (queue.length > 0) {
    const next = queue.shift() as string;
    let read: Awaited<ReturnType<typeof fetchIiif>>;
    try {
      read = await fetchIiif(next, source.fetcher, intake.signal);
    } catch (error) {
      // The batch's own URL must work; a member that does not is skipped.
      if (next === url || !isPalimpsestError(error)) throw error;
      await intake.skip(next, new SkipEntry("UNREADABLE_ENTRY", `${error.code}: ${error.message}`));
      continue;
    }
    if (read.kind === "manifest") {
      await intake.admit(next, oneChunk(read.bytes), { depth: 0, size: read.bytes.byteLength });
      continue;
    }
    for (const member of read.members) {
      if (seen.has(member.id)) continue;
      seen.add(member.id);
      if (planned >= source.maxManifests)
        await intake.skip(member.id, new SkipEntry("TOO_MANY_MANIFESTS", String(source.maxManifests)));
      else {
        planned++;
        queue.push(member.id);
      }
    }
  }
}

async function fetchIiif(url: string, fetcher: RemoteFetcher, signal: AbortSignal | undefined) {
  const fetched = await fetcher.fetch(url, {
    what: "the IIIF manifest",
    accept: JSON_TYPES,
    acceptHeader: ACCEPT,
    ...(signal ? { signal } : {}),
  });
  let json: unknown;
  try {
    json = JSON.parse(fetched.bytes.toString("utf8"));
  } catch (error) {
    throw invalidManifest(`${url} is not JSON (${(error as Error).message}).`);
  }
  const read = readIiif(json);
  if (read.kind === "collection") return { kind: "collection" as const, members: read.members };
  return { kind: "manifest" as const, bytes: fetched.bytes };
}

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
