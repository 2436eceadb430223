/**
 * Fetches remote files (IIIF manifests, info.json, images, annotation pages; the files a METS names by
 * URL) under rules the configuration sets, so that a document cannot make the service reach what it
 * should not (server-side request forgery) or hold it forever:
 * - only http(s), without credentials in the URL, to a host of IIIF_ALLOWED_HOSTS (none when unset);
 * - only public addresses, checked on what DNS answers (the addresses actually connected to), unless
 *   IIIF_ALLOW_PRIVATE_ADDRESSES opens the private ranges;
 * - redirects followed by hand, each hop checked against the same rules, at most IIIF_MAX_REDIRECTS;
 * - at most IIIF_MAX_BYTES, refused by Content-Length or cut at the limit, and IIIF_TIMEOUT_MS in all;
 * - the content type the caller expects (an HTML error page is not an image).
 */
import { type LookupAddress, lookup } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import type { Config } from "../config.js";
import { PalimpsestError } from "../errors.js";
import { isPublicAddress } from "./address.js";

export interface RemoteRules {
  /** Host names (lower-case; IPv6 in brackets) that may be fetched from; "*" for any; none when undefined. */
  allowedHosts: readonly string[] | undefined;
  allowPrivateAddresses: boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export interface FetchRequest {
  /** What is fetched, for messages: "the manifest", "the image of canvas 3". */
  what: string;
  /** Media types the answer may have; a trailing "/*" takes a whole family ("image/*"). */
  accept: readonly string[];
  /** Sent as the Accept header (the `accept` list when absent). */
  acceptHeader?: string;
  signal?: AbortSignal;
}

export interface Fetched {
  /** The URL the bytes came from, after redirects. */
  url: string;
  /** The media type of the answer, lower-case, without parameters ("" when the server gave none). */
  contentType: string;
  bytes: Buffer;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

export function remoteRules(
  config: Pick<
    Config,
    "iiifAllowedHosts" | "iiifAllowPrivateAddresses" | "iiifMaxBytes" | "iiifTimeoutMs" | "iiifMaxRedirects"
  >,
): RemoteRules {
  return {
    allowedHosts: config.iiifAllowedHosts,
    allowPrivateAddresses: config.iiifAllowPrivateAddresses,
    maxBytes: config.iiifMaxBytes,
    timeoutMs: config.iiifTimeoutMs,
    maxRedirects: config.iiifMaxRedirects,
  };
}

export class RemoteFetcher {
  constructor(readonly rules: RemoteRules) {}

  /** The URL parsed, if the rules let it be fetched (before any DNS lookup); REMOTE_NOT_ALLOWED otherwise. */
  check(url: string, what = "The URL"): URL {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:"))
      throw notAllowed(`${what} "${url}" is not an http(s) URL.`, url);
    if (parsed.username !== "" || parsed.password !== "")
      throw notAllowed(
        `${what} "${redact(parsed)}" carries credentials, which are never sent.`,
        redact(parsed),
      );
    const host = parsed.hostname.toLowerCase();
    const { allowedHosts } = this.rules;
    if (allowedHosts === undefined || allowedHosts.length === 0)
      throw notAllowed(
        `${what} "${url}" cannot be fetched: no host is allowed. Set IIIF_ALLOWED_HOSTS to the hosts to fetch from (e.g. IIIF_ALLOWED_HOSTS=${host}).`,
        url,
      );
    if (!allowedHosts.includes("*") && !allowedHosts.includes(host))
      throw notAllowed(
        `${what} "${url}" is on ${host}, which is not in IIIF_ALLOWED_HOSTS (${allowedHosts.join(", ")}). Add the host to fetch from it.`,
        url,
      );
    if (isIP(host.replace(/^\[|\]$/g, "")) !== 0) this.checkAddress(host, url);
    return parsed;
  }

  /** The bytes at `url`, after checked redirects; the REMOTE_* errors say what went wrong. */
  async fetch(url: string, request: FetchRequest): Promise<Fetched> {
    const timeout = AbortSignal.timeout(this.rules.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        const target = this.check(
          current,
          hop === 0 ? capitalise(request.what) : `A redirect of ${request.what}`,
        );
        const response = await this.get(target, request, signal);
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (status >= 300 && status < 400 && location !== undefined) {
          response.resume();
          if (hop >= this.rules.maxRedirects)
            throw new PalimpsestError(
              "REMOTE_UNREACHABLE",
              `Fetching ${request.what} (${url}) was redirected more than ${this.rules.maxRedirects} times (IIIF_MAX_REDIRECTS).`,
              { details: { url } },
            );
          current = new URL(location, target).toString();
          continue;
        }
        if (status < 200 || status >= 300) {
          response.resume();
          throw failedStatus(status, request.what, current);
        }
        const contentType =
          (response.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
        if (contentType !== "" && !request.accept.some((accepted) => matches(contentType, accepted))) {
          response.resume();
          throw new PalimpsestError(
            "REMOTE_WRONG_TYPE",
            `${capitalise(request.what)} (${current}) came as ${contentType}, not ${request.accept.join(" or ")}.`,
            { details: { url: current, contentType } },
          );
        }
        const bytes = await this.body(response, request.what, current);
        return { url: current, contentType, bytes };
      }
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason ?? error;
      if (timeout.aborted)
        throw new PalimpsestError(
          "REMOTE_TIMEOUT",
          `Fetching ${request.what} (${url}) took longer than ${this.rules.timeoutMs} ms (IIIF_TIMEOUT_MS). The server may be overloaded: try again later, or raise the limit.`,
          { cause: error, details: { url } },
        );
      if (error instanceof PalimpsestError) throw error;
      throw new PalimpsestError(
        "REMOTE_UNREACHABLE",
        `${capitalise(request.what)} (${current}) could not be fetched: ${(error as Error).message}.`,
        { cause: error, details: { url: current } },
      );
    }
  }

  private get(target: URL, request: FetchRequest, signal: AbortSignal): Promise<IncomingMessage> {
    const client = target.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const outgoing = client.get(target, {
        signal,
        lookup: (hostname: string, options: object, callback: LookupCallback) =>
          this.lookup(hostname, options as { all?: boolean }, callback, target.toString()),
        headers: { accept: request.acceptHeader ?? request.accept.join(", "), "user-agent": "Palimpsest" },
      });
      outgoing.once("response", resolve);
      outgoing.once("error", reject);
    });
  }

  /** DNS resolution that refuses non-public addresses: the connection goes to the address checked here. */
  private lookup(hostname: string, options: { all?: boolean }, callback: LookupCallback, url: string): void {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      try {
        for (const { address } of addresses) this.checkAddress(address, url, hostname);
      } catch (refusal) {
        return callback(refusal as NodeJS.ErrnoException, []);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (first === undefined)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  }

  private checkAddress(address: string, url: string, hostname?: string): void {
    if (this.rules.allowPrivateAddresses || isPublicAddress(address)) return;
    const named = hostname === undefined ? address : `${hostname} (${address})`;
    throw notAllowed(
      `"${url}" leads to ${named}, a loopback, private or link-local address, which remote fetches may not reach. Set IIIF_ALLOW_PRIVATE_ADDRESSES=on only for a trusted intranet server.`,
      url,
    );
  }

  private async body(response: IncomingMessage, what: string, url: string): Promise<Buffer> {
    const { maxBytes } = this.rules;
    const declared = Number(response.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.destroy();
      throw tooLarge(what, url, maxBytes, declared);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        response.destroy();
        throw tooLarge(what, url, maxBytes);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
}

function matches(contentType: string, accepted: string): boolean {
  if (accepted.endsWith("/*")) return contentType.startsWith(accepted.slice(0, -1));
  // "+json" types (application/ld+json, application/manifest+json) are JSON.
  if (accepted === "application/json") return contentType === accepted || contentType.endsWith("+json");
  return contentType === accepted;
}

function failedStatus(status: number, what: string, url: string): PalimpsestError {
  const details = { details: { url, status } };
  // Overloaded or failing servers may answer later; a missing or forbidden file will stay so.
  if (status >= 500 || status === 429 || status === 408)
    return new PalimpsestError(
      "REMOTE_UNREACHABLE",
      `${capitalise(what)} (${url}) failed: the server answered ${status}.`,
      details,
    );
  return new PalimpsestError(
    "REMOTE_REFUSED",
    `${capitalise(what)} (${url}) could not be fetched: the server answered ${status}${status === 404 ? " (not found)" : ""}.`,
    details,
  );
}

function tooLarge(what: string, url: string, maxBytes: number, declared?: number): PalimpsestError {
  const size = declared === undefined ? "more than that" : `${declared} bytes`;
  return new PalimpsestError(
    "REMOTE_TOO_LARGE",
    `${capitalise(what)} (${url}) is larger than IIIF_MAX_BYTES (${maxBytes} bytes): ${size}. Raise the limit if it is genuine.`,
    { details: { url, limit: maxBytes, ...(declared === undefined ? {} : { size: declared }) } },
  );
}

function notAllowed(message: string, url: string): PalimpsestError {
  return new PalimpsestError("REMOTE_NOT_ALLOWED", message, { details: { url } });
}

function redact(url: URL): string {
  const copy = new URL(url);
  copy.username = "";
  copy.password = "";
  return copy.toString();
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
