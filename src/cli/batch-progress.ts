/**
 * The batch command's progress: a bar redrawn in place on a terminal, a plain line every few seconds
 * otherwise (logs, CI), and the summary at the end.
 */
import type { JobProgress } from "../jobs/progress.js";

/** Without a terminal, a line this often is enough to see that the batch moves. */
const PLAIN_EVERY_MS = 5_000;
const BAR_WIDTH = 24;

export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function progressLine(progress: JobProgress): string {
  const { documents } = progress;
  const finished = documents.done + documents.failed + documents.cancelled;
  return [
    `${finished}/${documents.total} documents`,
    `${progress.pages} pages`,
    `${progress.chunks} chunks`,
    progress.rate === undefined ? "" : `${progress.rate.toFixed(1)} docs/s`,
    progress.etaSeconds === undefined ? "" : `ETA ${duration(progress.etaSeconds)}`,
    `${documents.failed} failed`,
    progress.skipped ? `${progress.skipped} skipped` : "",
  ]
    .filter(Boolean)
    .join(" · ");
}

function bar(progress: JobProgress): string {
  const { documents } = progress;
  const share = documents.total === 0 ? 0 : (documents.done + documents.failed) / documents.total;
  const filled = Math.round(share * BAR_WIDTH);
  return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%`;
}

export class ProgressReporter {
  private lastPlain = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly now: () => number = Date.now,
  ) {}

  update(progress: JobProgress, final = false): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${bar(progress)} ${progressLine(progress)}${final ? "\n" : ""}`);
      return;
    }
    if (!final && this.now() - this.lastPlain < PLAIN_EVERY_MS) return;
    this.lastPlain = this.now();
    this.stream.write(`batch: ${progressLine(progress)}\n`);
  }
}
