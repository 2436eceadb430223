/**
 * How a model download shows its progress: a bar redrawn in place when stderr is a terminal, otherwise
 * log lines (start, every tenth of the file or every 10 seconds, done), which is what a container's
 * logs or CI keep.
 */
import type { Log } from "../../logger.js";

export interface DownloadStart {
  url: string;
  destination: string;
  /** Bytes of the complete file, when the server said. */
  totalBytes: number | undefined;
  /** Bytes already there from an earlier try (0 for a fresh download). */
  resumedFrom: number;
}

export interface DownloadDone {
  sha256: string;
  bytes: number;
  seconds: number;
}

export interface DownloadProgress {
  start(info: DownloadStart): void;
  /** Bytes of the file received so far, the resumed part included. */
  advance(bytes: number): void;
  /** The download ended: complete with `done`, or stopped (the error is reported by whoever catches it). */
  end(done?: DownloadDone): void;
}

type Clock = () => number;

/** The bar on a terminal, log lines otherwise. */
export function defaultProgress(
  logger: Pick<Log, "info">,
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): DownloadProgress {
  return stream.isTTY ? barProgress(stream) : logProgress(logger);
}

/** Passes the share downloaded on to `onFraction` as well. */
export function withFraction(
  progress: DownloadProgress,
  onFraction: ((fraction: number) => void) | undefined,
): DownloadProgress {
  if (!onFraction) return progress;
  let total: number | undefined;
  return {
    start(info) {
      total = info.totalBytes;
      progress.start(info);
    },
    advance(bytes) {
      if (total) onFraction(bytes / total);
      progress.advance(bytes);
    },
    end(done) {
      if (done) onFraction(1);
      progress.end(done);
    },
  };
}

const LOG_EVERY_MS = 10_000;
/** A line each time another tenth of the file has come. */
const LOG_PARTS = 10;

export function logProgress(logger: Pick<Log, "info">, now: Clock = Date.now): DownloadProgress {
  const rate = rateMeter(now);
  let lastAt = 0;
  let lastPart = 0;
  // Whole numbers: 0.3 / 0.1 is not 3 in floating point.
  const partOf = (bytes: number) => (rate.total ? Math.floor((bytes * LOG_PARTS) / rate.total) : 0);
  return {
    start(info) {
      rate.start(info);
      lastAt = now();
      lastPart = partOf(info.resumedFrom);
      logger.info({ ...info }, `model download: ${startText(info)}`);
    },
    advance(bytes) {
      const part = partOf(bytes);
      if (now() - lastAt < LOG_EVERY_MS && part <= lastPart) return;
      lastAt = now();
      lastPart = part;
      logger.info(
        { bytes, totalBytes: rate.total, percent: rate.total ? percentOf(bytes, rate.total) : undefined },
        `model download: ${rate.text(bytes)}`,
      );
    },
    end(done) {
      if (done) logger.info({ ...done }, `model download: ${doneText(done)}`);
    },
  };
}

const REDRAW_MS = 100;
const BAR_WIDTH = 24;

export function barProgress(stream: NodeJS.WritableStream, now: Clock = Date.now): DownloadProgress {
  const rate = rateMeter(now);
  let lastDraw = 0;
  let latest = 0;
  const draw = (bytes: number) => {
    const share = rate.share(bytes) ?? 0;
    const filled = Math.round(share * BAR_WIDTH);
    stream.write(`\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${rate.text(bytes)}`);
    lastDraw = now();
  };
  return {
    start(info) {
      rate.start(info);
      latest = info.resumedFrom;
      stream.write(`Downloading ${startText(info)}\n`);
      draw(latest);
    },
    advance(bytes) {
      latest = bytes;
      if (now() - lastDraw >= REDRAW_MS) draw(bytes);
    },
    end(done) {
      draw(done?.bytes ?? latest);
      stream.write(done ? `\n${doneText(done)}\n` : "\n");
    },
  };
}

/** Speed over this try only: resumed bytes came in earlier and say nothing about the connection now. */
function rateMeter(now: Clock) {
  let startedAt = 0;
  let from = 0;
  let total: number | undefined;
  return {
    get total() {
      return total;
    },
    start(info: DownloadStart) {
      startedAt = now();
      from = info.resumedFrom;
      total = info.totalBytes;
    },
    share(bytes: number): number | undefined {
      return total ? Math.min(1, bytes / total) : undefined;
    },
    text(bytes: number): string {
      const seconds = (now() - startedAt) / 1000;
      const speed = seconds > 0 ? (bytes - from) / seconds : 0;
      const parts = total
        ? [`${percentOf(bytes, total)}%`.padStart(4), `${megabytes(bytes)}/${megabytes(total)}`]
        : [megabytes(bytes)];
      parts.push(`${megabytes(speed)}/s`);
      if (total && speed > 0) parts.push(`ETA ${duration((total - bytes) / speed)}`);
      return parts.join("  ");
    },
  };
}

function startText(info: DownloadStart): string {
  const size = info.totalBytes ? ` (${megabytes(info.totalBytes)})` : "";
  const resumed =
    info.resumedFrom > 0
      ? `, resuming at ${megabytes(info.resumedFrom)}${info.totalBytes ? ` (${percentOf(info.resumedFrom, info.totalBytes)}%)` : ""}`
      : "";
  return `${info.url}${size} to ${info.destination}${resumed}`;
}

function doneText(done: DownloadDone): string {
  return `done: ${megabytes(done.bytes)} in ${duration(done.seconds)}, sha256 ${done.sha256}`;
}

/** Whole percent, in integers: floating point would show 28% for 29 of 100. */
function percentOf(bytes: number, total: number): number {
  return Math.floor((bytes * 100) / total);
}

/** Decimal megabytes, as model sizes are published. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
