/**
 * The GET that starts (or resumes) a model download. Redirects are followed here rather than by fetch:
 * the hub answers 302 to a CDN with the file's size and sha256 in its own headers (`X-Linked-Size`,
 * `X-Linked-Etag`), which a followed redirect would hide, and the hub token must not travel to the CDN.
 */
import { DownloadError } from "./download-error.js";

const MAX_REDIRECTS = 10;

export interface RequestOptions {
  /** Bytes already downloaded: asked for the rest with `Range`. */
  offset: number;
  /** MODEL_HUB_TOKEN, sent only to `hubOrigin`. */
  token: string | undefined;
  hubOrigin: string;
  signal: AbortSignal;
}

export interface OpenedDownload {
  /** The answer carrying the bytes: 200, 206, or 416 when the range starts past the end. */
  response: Response;
  /** What the hub announced for the file, when it did. */
  hubSize: number | undefined;
  hubSha256: string | undefined;
}

export async function openDownload(url: string, options: RequestOptions): Promise<OpenedDownload> {
  let current = new URL(url);
  let hubSize: number | undefined;
  let hubSha256: string | undefined;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await get(current, options);
    hubSize ??= sizeHeader(response.headers.get("x-linked-size"));
    hubSha256 ??= sha256Header(response.headers.get("x-linked-etag"));
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current);
      continue;
    }
    if (response.ok || response.status === 416) return { response, hubSize, hubSha256 };
    await response.body?.cancel();
    throw new DownloadError(refusal(response.status, current, options));
  }
  throw new DownloadError(`more than ${MAX_REDIRECTS} redirects`);
}

async function get(url: URL, options: RequestOptions): Promise<Response> {
  const sendToken = options.token !== undefined && url.origin === options.hubOrigin;
  try {
    return await fetch(url, {
      redirect: "manual",
      signal: options.signal,
      headers: {
        // Compressed bytes would not match Content-Length, Range offsets or the sha256.
        "accept-encoding": "identity",
        ...(options.offset > 0 ? { range: `bytes=${options.offset}-` } : {}),
        ...(sendToken ? { authorization: `Bearer ${options.token}` } : {}),
      },
    });
  } catch (error) {
    if (options.signal.aborted) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new DownloadError(
      `${url.host} could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message}): this machine is offline, or the hub is down`,
    );
  }
}

function refusal(status: number, url: URL, options: RequestOptions): string {
  const who = url.origin === options.hubOrigin ? "the hub" : url.host;
  const tokenSent = options.token !== undefined && url.origin === options.hubOrigin;
  if (status === 401)
    return tokenSent
      ? `${who} answered 401: MODEL_HUB_TOKEN was refused; check that the token is valid`
      : `${who} answered 401: the repository is private or gated, or does not exist; if you may read it, set MODEL_HUB_TOKEN to a token of yours`;
  if (status === 403)
    return `${who} answered 403: this token may not read the file; for a gated model, accept its conditions on its page with the account the token belongs to`;
  if (status === 404)
    return `${who} answered 404: no such file; check the owner, the repository, the revision and the file name`;
  return `${who} answered HTTP ${status}`;
}

function sizeHeader(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The hub's ETag of an LFS file is its sha256 (quoted, sometimes weak); other ETags are not. */
function sha256Header(value: string | null): string | undefined {
  const bare = value?.replace(/^W\//, "").replaceAll('"', "").toLowerCase();
  return bare && /^[0-9a-f]{64}$/.test(bare) ? bare : undefined;
}
