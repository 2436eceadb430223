/**
 * Zip-bomb limits for one archive (nested archives share their parent's budget): entries read, bytes
 * unpacked, and unpacked bytes per byte of the archive. Past any of them the whole batch is refused:
 * a bomb is not a batch with a few bad entries.
 */
import { PalimpsestError } from "../../errors.js";

export interface ArchiveLimits {
  maxEntries: number;
  maxUnpackedBytes: number;
  maxRatio: number;
}

/** Small archives of very compressible text may legitimately exceed the ratio on their first bytes. */
const RATIO_SLACK_BYTES = 1024 * 1024;

export class UnpackBudget {
  private entries = 0;
  private unpacked = 0;

  constructor(
    private readonly limits: ArchiveLimits,
    private readonly archiveBytes: number,
  ) {}

  countEntry(): void {
    this.entries++;
    if (this.entries > this.limits.maxEntries)
      throw refused(`it has more than ${this.limits.maxEntries} entries (ARCHIVE_MAX_ENTRIES)`);
  }

  countBytes(bytes: number): void {
    this.unpacked += bytes;
    if (this.unpacked > this.limits.maxUnpackedBytes)
      throw refused(
        `it unpacks to more than ${this.limits.maxUnpackedBytes} bytes (ARCHIVE_MAX_UNPACKED_BYTES)`,
      );
    if (this.unpacked > this.archiveBytes * this.limits.maxRatio + RATIO_SLACK_BYTES)
      throw refused(
        `it unpacks to more than ${this.limits.maxRatio} times its own size of ${this.archiveBytes} bytes (ARCHIVE_MAX_RATIO)`,
      );
  }
}

function refused(why: string): PalimpsestError {
  return new PalimpsestError(
    "ARCHIVE_LIMIT_EXCEEDED",
    `The archive was refused: ${why}. This is what a zip bomb looks like; if the archive is genuine, split it or raise the limit.`,
  );
}
