/**
 * Waiting out a model server that is down. A document that fails because the server is not there goes
 * back to the queue without counting the attempt, and the runner claims nothing until the server answers
 * a probe again: a 15-minute TGI restart in the night must not fail thousands of documents, each after
 * JOB_ATTEMPTS retries. After MODEL_DOWN_MAX_MS of outage it stops waiting, and documents fail as they
 * would without it, so a wrong BLOOM_ENDPOINT_URL still ends a CLI batch.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { LlmEndpoint } from "../endpoint/port.js";
import { isPalimpsestError } from "../errors.js";

/** Probes while waiting: the first after a second, then doubled up to half a minute. */
const FIRST_PROBE_MS = 1_000;
const LONGEST_PROBE_MS = 30_000;

/** HTTP statuses of a server (or the proxy in front of it) that is not serving, as opposed to refusing one request. */
const UNAVAILABLE_STATUSES: ReadonlySet<unknown> = new Set([502, 503, 504]);

/**
 * Whether `error` says the server is not there: no connection, or 502/503/504 once the endpoint's own
 * retries are spent. Not a timeout (one slow generation), not a refusal of this request.
 */
export function isServerDown(error: unknown): boolean {
  if (!isPalimpsestError(error)) return false;
  // MODEL_NOT_AVAILABLE: the embedded model's file could not be downloaded (offline, hub down).
  if (error.code === "ENDPOINT_UNREACHABLE" || error.code === "MODEL_NOT_AVAILABLE") return true;
  const status = (error.details as { upstreamStatus?: unknown } | undefined)?.upstreamStatus;
  return (
    (error.code === "ENDPOINT_OVERLOADED" || error.code === "ENDPOINT_FAILED") &&
    UNAVAILABLE_STATUSES.has(status)
  );
}

export interface ModelOutageDeps {
  endpoint: LlmEndpoint;
  logger: Logger;
  /** The server's URL, or the embedded model (where.ts). */
  url: string;
  maxMs: number;
  now: () => number;
  /** Called when waiting ends (the server is back, or waited for too long): claiming may resume. */
  resumed: () => void;
}

export class ModelOutage {
  /** When the server was found down; kept after giving up, until it answers again. */
  private downSince: number | undefined;
  private waiting: Promise<void> | undefined;
  private readonly stopped = new AbortController();

  constructor(private readonly deps: ModelOutageDeps) {}

  /** While set, the runner claims no document: it waits for the server, down since then. */
  get waitingSince(): number | undefined {
    return this.waiting ? this.downSince : undefined;
  }

  /**
   * Whether a document that failed with `error` is to wait for the server rather than fail. A probe
   * confirms the outage first: a server whose health route answers while its generations fail with 502
   * would otherwise keep a document in the queue for ever.
   */
  async holds(error: unknown): Promise<boolean> {
    const { maxMs, now } = this.deps;
    if (maxMs === 0 || !isServerDown(error) || this.stopped.signal.aborted) return false;
    if (this.waiting) return true;
    if (await this.answers()) {
      this.downSince = undefined;
      return false;
    }
    // Another document may have found the outage during this probe.
    if (this.waiting) return true;
    this.downSince ??= now();
    if (now() - this.downSince > maxMs) return false;
    this.waiting = this.wait(this.downSince);
    return true;
  }

  /** A model call was answered: an outage given up on is over, and the next one is waited for again. */
  answered(): void {
    if (!this.waiting) this.downSince = undefined;
  }

  /** Stops probing (the runner stops); the wait ends at once. */
  stop(): Promise<void> {
    this.stopped.abort();
    return this.waiting ?? Promise.resolve();
  }

  private async wait(since: number): Promise<void> {
    const { logger, url, maxMs, now } = this.deps;
    logger.warn(
      { downSince: new Date(since).toISOString() },
      `model server ${url} unreachable since ${new Date(since).toISOString()}; documents wait`,
    );
    try {
      for (let delay = FIRST_PROBE_MS; ; delay = Math.min(2 * delay, LONGEST_PROBE_MS)) {
        await sleep(delay, undefined, { signal: this.stopped.signal }).catch(() => {});
        if (this.stopped.signal.aborted) return;
        if (await this.answers()) {
          this.downSince = undefined;
          const downMs = now() - since;
          logger.info(
            { downMs },
            `model server ${url} is back after ${Math.round(downMs / 1000)} s; documents resume`,
          );
          return;
        }
        if (now() - since > maxMs) {
          logger.warn(
            { downMs: now() - since },
            `model server ${url} down for more than MODEL_DOWN_MAX_MS (${maxMs} ms); documents fail instead of waiting`,
          );
          return;
        }
      }
    } finally {
      this.waiting = undefined;
      this.deps.resumed();
    }
  }

  private answers(): Promise<boolean> {
    return this.deps.endpoint.probe(this.stopped.signal).then(
      () => true,
      () => false,
    );
  }
}
