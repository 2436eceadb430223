/**
 * A Hugging Face hub on 127.0.0.1, as model downloads see it: `GET /{owner}/{repo}/resolve/{rev}/{file}`
 * answers 302 to a content-addressed CDN URL with the file's size and sha256 in `X-Linked-Size` and
 * `X-Linked-Etag` (as the hub does for LFS files); the CDN serves the bytes with Range support (206 and
 * Content-Range). The CDN is a path on the same server, or a second server (another origin, to prove the
 * hub token does not follow the redirect). Behaviours a download must survive can be switched on between
 * requests: throttling, a connection that stops halfway and hangs, corrupted bytes, a token required, an
 * announced size that lies. Every request is recorded with its headers.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Logger, pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type Config, loadConfig } from "../../src/config.js";

export interface FakeHubBehaviour {
  /** Bytes per second the CDN sends (as fast as it can when unset). */
  bytesPerSecond?: number;
  /** The CDN stops after sending this many bytes of an answer and keeps the connection open. */
  hangAfterBytes?: number;
  /** The CDN serves the file with one byte changed; the hub's headers still describe the real file. */
  corrupt?: boolean;
  /** The hub answers 401 unless `Authorization: Bearer <this>` is sent. */
  requireToken?: string;
  /** The CDN answers a Range request with 200 and the whole file, as servers without range support do. */
  ignoreRange?: boolean;
  /** A size announced by hub and CDN instead of the real one (a file too big for the disk); the CDN then ends early. */
  announcedSize?: number;
}

export interface FakeHubOptions extends FakeHubBehaviour {
  /** Served files by "owner/repo/revision/path/to/file". */
  files: Record<string, Buffer>;
  /** The CDN on a second server, another origin. */
  separateCdn?: boolean;
}

export interface HubRequest {
  server: "hub" | "cdn";
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FakeHub {
  /** What HF_ENDPOINT is set to. */
  url: string;
  cdnUrl: string;
  requests: HubRequest[];
  /** Replaces the behaviour for the requests to come. */
  behave(behaviour: FakeHubBehaviour): void;
  close(): Promise<void>;
}

export function sha256Of(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  let behaviour: FakeHubBehaviour = options;
  const requests: HubRequest[] = [];
  const bySha = new Map(Object.values(options.files).map((bytes) => [sha256Of(bytes), bytes]));
  const hub = createServer();
  const cdn = options.separateCdn ? createServer() : hub;
  const hubUrl = await listen(hub);
  const cdnUrl = options.separateCdn ? await listen(cdn) : hubUrl;

  const onHub = (request: IncomingMessage, response: ServerResponse) => {
    const match = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(request.url ?? "");
    const bytes = match
      ? options.files[`${match[1]}/${match[2]}/${decodeURIComponent(match[3] as string)}`]
      : undefined;
    if (behaviour.requireToken && request.headers.authorization !== `Bearer ${behaviour.requireToken}`) {
      response.writeHead(401, { "content-type": "application/json", "x-error-code": "GatedRepo" });
      return response.end(JSON.stringify({ error: "Access to this model is restricted." }));
    }
    if (!bytes) {
      response.writeHead(404, { "content-type": "application/json", "x-error-code": "EntryNotFound" });
      return response.end(JSON.stringify({ error: "Entry not found" }));
    }
    const sha = sha256Of(bytes);
    response.writeHead(302, {
      location: `${cdnUrl}/cdn/${sha}`,
      "x-linked-size": String(behaviour.announcedSize ?? bytes.length),
      "x-linked-etag": `"${sha}"`,
      "x-repo-commit": "0123456789abcdef0123456789abcdef01234567",
    });
    response.end();
  };

  const onCdn = async (request: IncomingMessage, response: ServerResponse) => {
    const original = bySha.get(request.url?.slice("/cdn/".length) ?? "");
    if (!original) {
      response.writeHead(404);
      return response.end();
    }
    const bytes = behaviour.corrupt ? corrupted(original) : original;
    const range = behaviour.ignoreRange ? null : /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    if (start >= bytes.length && range) {
      response.writeHead(416, { "content-range": `bytes */${bytes.length}` });
      return response.end();
    }
    const size = behaviour.announcedSize ?? bytes.length;
    response.writeHead(range ? 206 : 200, {
      "content-type": "application/octet-stream",
      "content-length": String(size - start),
      "accept-ranges": "bytes",
      etag: `"${sha256Of(original)}"`,
      ...(range ? { "content-range": `bytes ${start}-${size - 1}/${size}` } : {}),
    });
    await send(response, bytes.subarray(start), () => behaviour);
  };

  const route = (server: "hub" | "cdn") => (request: IncomingMessage, response: ServerResponse) => {
    requests.push({
      server,
      method: request.method ?? "",
      path: request.url ?? "",
      headers: request.headers,
    });
    if (request.url?.startsWith("/cdn/")) void onCdn(request, response);
    else onHub(request, response);
  };
  hub.on("request", route("hub"));
  if (cdn !== hub) cdn.on("request", route("cdn"));

  return {
    url: hubUrl,
    cdnUrl,
    requests,
    behave(next) {
      behaviour = next;
    },
    async close() {
      for (const server of new Set([hub, cdn])) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}

/**
 * Sends `bytes` at the pace of the current behaviour (a throttle lifted meanwhile speeds up an answer in
 * progress), stopping without ending the answer where the behaviour at its start said to hang.
 */
async function send(response: ServerResponse, bytes: Buffer, current: () => FakeHubBehaviour): Promise<void> {
  const limit = Math.min(bytes.length, current().hangAfterBytes ?? bytes.length);
  for (let sent = 0; sent < limit && !response.destroyed; ) {
    const { bytesPerSecond } = current();
    const chunk = bytesPerSecond ? Math.max(1024, Math.floor(bytesPerSecond / 20)) : limit - sent;
    response.write(bytes.subarray(sent, Math.min(limit, sent + chunk)));
    sent += chunk;
    if (bytesPerSecond) await sleep((chunk / bytesPerSecond) * 1000);
  }
  if (limit === bytes.length) response.end();
}

function corrupted(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const middle = Math.floor(copy.length / 2);
  copy[middle] = (copy[middle] as number) ^ 0xff;
  return copy;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The whole configuration (HF_TOKEN included, to prove it stays home) of a service using this hub. */
export function hubConfig(hubUrl: string, dataDir: string, overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ DATA_DIR: dataDir, HF_ENDPOINT: hubUrl }), ...overrides };
}

/** A pino logger whose lines are kept (as parsed JSON) for assertions. */
export function capturingLogger(): {
  logger: Logger;
  lines: Array<{ msg: string } & Record<string, unknown>>;
} {
  const lines: Array<{ msg: string } & Record<string, unknown>> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

export interface HubFixture {
  /** The running fake hub (set before the file's tests). */
  readonly hub: FakeHub;
  /** A fresh DATA_DIR for each test, removed after it. */
  readonly dataDir: string;
  /** Where the model file lands under DATA_DIR/models. */
  file(): string;
}

/**
 * The setup every model-download test file shares: one fake hub serving `content` as
 * `hf:<repo>/model.gguf` for the whole file, a fresh DATA_DIR and a clean request log for each test.
 */
export function useHubFixture(options: {
  repo: string;
  content: Buffer;
  dirPrefix: string;
  separateCdn?: boolean;
}): HubFixture {
  let hub: FakeHub | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    hub = await startFakeHub({
      files: { [`${options.repo}/main/model.gguf`]: options.content },
      ...(options.separateCdn ? { separateCdn: true } : {}),
    });
  });
  afterAll(() => hub?.close());
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), options.dirPrefix));
    hub?.requests.splice(0);
    hub?.behave({});
  });
  afterEach(() => (dataDir ? rm(dataDir, { recursive: true, force: true }) : undefined));
  const fixture: HubFixture = {
    get hub() {
      if (hub === undefined) throw new Error("the fake hub starts in beforeAll");
      return hub;
    },
    get dataDir() {
      if (dataDir === undefined) throw new Error("DATA_DIR is made in beforeEach");
      return dataDir;
    },
    file: () => join(fixture.dataDir, "models", "hub", ...options.repo.split("/"), "main", "model.gguf"),
  };
  return fixture;
}
