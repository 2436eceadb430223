/**
 * Downloads one model file to `<file>.partial`, then renames it to `<file>` once its size and sha256 are
 * right: the final name only ever holds a complete, checked file. An interrupted download (connection cut,
 * no byte for MODEL_DOWNLOAD_IDLE_MS, process killed, abort) leaves its partial, and the next try asks
 * only for the rest.
 */
import { createHash, type Hash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Log } from "../../logger.js";
import {
  announcedSize,
  checkFreeSpace,
  describeSource,
  type ExpectedSha256,
  expectedSha256,
  rangeStart,
} from "./download-checks.js";
import { DownloadError } from "./download-error.js";
import { type IdleTimer, idleTimer } from "./download-idle.js";
import { type OpenedDownload, openDownload } from "./download-request.js";
import { hashFile } from "./file-hash.js";
import {
  type CheckedAgainst,
  readPartialInfo,
  removePartial,
  sidePaths,
  writePartialInfo,
} from "./model-store.js";
import { type DownloadProgress, megabytes } from "./progress.js";

export interface DownloadRequest {
  reference: string;
  url: string;
  /** The final path; the download goes to `<file>.partial` beside it. */
  file: string;
  /** BLOOM_MODEL_SHA256 or the default model's; the hub's checksum is used when this is unset. */
  expected: ExpectedSha256 | undefined;
  hubOrigin: string;
  token: string | undefined;
  idleMs: number;
  signal: AbortSignal | undefined;
  progress: DownloadProgress;
  logger: Pick<Log, "info" | "warn">;
}

export interface Downloaded {
  sha256: string;
  checkedAgainst: CheckedAgainst;
  bytes: number;
}

/** An attempt found that the partial from an earlier try belongs to another version of the file. */
const PARTIAL_DROPPED = Symbol("partial dropped");

export async function downloadFile(request: DownloadRequest): Promise<Downloaded> {
  for (;;) {
    // Runs twice at most: once the partial is dropped, the next attempt has none to drop.
    const result = await attempt(request);
    if (result !== PARTIAL_DROPPED) return result;
  }
}

async function attempt(request: DownloadRequest): Promise<Downloaded | typeof PARTIAL_DROPPED> {
  const { partial } = sidePaths(request.file);
  const offset = (await stat(partial).catch(() => undefined))?.size ?? 0;
  // The bytes already there are hashed before the request, so the server is not kept waiting meanwhile.
  const resumedHash = offset > 0 ? await hashPartial(request, offset) : undefined;
  // Complete but not renamed yet (stopped in between): nothing left to ask the server for.
  if (resumedHash && (await readPartialInfo(request.file))?.size === offset) {
    request.progress.start({
      url: request.url,
      destination: request.file,
      totalBytes: offset,
      resumedFrom: offset,
    });
    return finish(request, { bytes: offset, hash: resumedHash, expected: request.expected, resumed: true });
  }
  const idle = idleTimer(request.idleMs);
  const signal = request.signal ? AbortSignal.any([request.signal, idle.signal]) : idle.signal;
  try {
    const opened = await openDownload(request.url, {
      offset,
      token: request.token,
      hubOrigin: request.hubOrigin,
      signal,
    });
    if (opened.response.status !== 416)
      return await receive(request, opened, { offset, resumedHash, idle, signal });
    await opened.response.body?.cancel();
    if (offset === 0) throw new DownloadError("the server answered 416 to a request for the whole file");
    // The partial is longer than the file now served: it belongs to another version of it.
    await removePartial(request.file);
    return PARTIAL_DROPPED;
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (idle.signal.aborted)
      throw new DownloadError(
        `no data came for ${Math.round(request.idleMs / 1000)} s (MODEL_DOWNLOAD_IDLE_MS); what was downloaded is kept in ${partial} and the next try resumes from there`,
      );
    throw error;
  } finally {
    idle.stop();
  }
}

async function hashPartial(request: DownloadRequest, bytes: number): Promise<Hash> {
  const { partial } = sidePaths(request.file);
  request.logger.info(
    { partial, bytes },
    `model download: checking the ${megabytes(bytes)} already downloaded`,
  );
  return hashFile(partial, request.signal);
}

async function receive(
  request: DownloadRequest,
  opened: OpenedDownload,
  state: { offset: number; resumedHash: Hash | undefined; idle: IdleTimer; signal: AbortSignal },
): Promise<Downloaded | typeof PARTIAL_DROPPED> {
  const { response } = opened;
  // 200 to a Range request: the server sends the whole file again, so it is written from the start.
  const start = response.status === 206 ? rangeStart(response, state.offset) : 0;
  const total = announcedSize(response, start, opened.hubSize);
  const expected = expectedSha256(request.expected, opened.hubSha256);
  if (total !== undefined) await checkFreeSpace(request.file, total - start);
  await writePartialInfo(request.file, { reference: request.reference, url: request.url, size: total });
  const hash = start > 0 && state.resumedHash ? state.resumedHash : createHash("sha256");
  let bytes = start;
  request.progress.start({
    url: request.url,
    destination: request.file,
    totalBytes: total,
    resumedFrom: start,
  });
  const began = Date.now();
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      state.idle.reset();
      hash.update(chunk);
      bytes += chunk.length;
      request.progress.advance(bytes);
      callback(null, chunk);
    },
  });
  try {
    if (!response.body) throw new DownloadError("the server sent no body");
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      meter,
      createWriteStream(sidePaths(request.file).partial, { flags: start > 0 ? "a" : "w" }),
      { signal: state.signal },
    );
  } catch (error) {
    request.progress.end();
    if (state.signal.aborted) throw error;
    const of = total === undefined ? "" : ` of ${megabytes(total)}`;
    if ((error as NodeJS.ErrnoException).code === "ENOSPC")
      throw new DownloadError(
        `the disk is full after ${megabytes(bytes)}${of}: ${total === undefined ? "more space" : megabytes(total - bytes)} more is needed in ${dirname(request.file)}; what was downloaded is kept and the next try resumes`,
      );
    throw new DownloadError(
      `the connection was cut after ${megabytes(bytes)}${of} (${(error as Error).message}); the next try resumes from there`,
    );
  }
  if (total !== undefined && bytes !== total) {
    // Fewer bytes: the rest can still come. More: this partial cannot be the file.
    if (bytes > total) await removePartial(request.file);
    request.progress.end();
    throw new DownloadError(`the server sent ${bytes} bytes where ${total} were announced`);
  }
  return finish(request, { bytes, hash, expected, resumed: start > 0 }, (Date.now() - began) / 1000);
}

/** Checks the sha256 and moves the partial to the final name. */
async function finish(
  request: DownloadRequest,
  received: { bytes: number; hash: Hash; expected: ExpectedSha256 | undefined; resumed: boolean },
  seconds = 0,
): Promise<Downloaded | typeof PARTIAL_DROPPED> {
  const { bytes, expected } = received;
  const sha256 = received.hash.digest("hex");
  if (expected && expected.sha256 !== sha256) {
    request.progress.end();
    await removePartial(request.file);
    if (received.resumed) {
      request.logger.warn(
        { sha256, expected: expected.sha256 },
        "model download: checksum mismatch after resuming; downloading the whole file again",
      );
      return PARTIAL_DROPPED;
    }
    throw new DownloadError(
      `the downloaded file's sha256 is ${sha256}, but ${expected.sha256} was expected (${describeSource(expected.from)}); the download was deleted`,
    );
  }
  const { partial, partialInfo } = sidePaths(request.file);
  // On disk before the rename, so that a crash cannot leave a complete-looking file with missing bytes.
  const handle = await open(partial, "r+");
  await handle.sync();
  await handle.close();
  await rename(partial, request.file);
  await rm(partialInfo, { force: true });
  request.progress.end({ sha256, bytes, seconds });
  return { sha256, bytes, checkedAgainst: expected?.from ?? "none" };
}
