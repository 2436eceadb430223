/**
 * Watches how late the event loop runs (perf_hooks.monitorEventLoopDelay). While one piece of work holds
 * it, nothing else in the process answers: not /health, not other clients, not the job heartbeats. A
 * delay past EVENT_LOOP_WARN_MS is logged as a warning (at most once per check, with the worst delay of
 * that check), and the figures since start are shown by GET /health.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import type { Log } from "./logger.js";

/** How often the worst recent delay is compared with the threshold. */
const CHECK_MS = 1000;
/** Sampling period of the histograms: delays shorter than this are not seen. */
const RESOLUTION_MS = 10;

export interface EventLoopFigures {
  /** Delay percentiles and maximum since the watchdog started, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The worst delay of the last check (about a second), in milliseconds. */
  recentMaxMs: number;
  since: string;
}

const toMs = (nanoseconds: number) => Math.round(nanoseconds / 1e5) / 10;

export class EventLoopWatchdog {
  private readonly total = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly recent = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private recentMaxMs = 0;
  private startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Log,
    private readonly warnMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.startedAt = Date.now();
    this.total.enable();
    this.recent.enable();
    // Never what keeps a process alive.
    this.timer = setInterval(() => this.check(), CHECK_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.total.disable();
    this.recent.disable();
  }

  figures(): EventLoopFigures {
    // An empty histogram reports its maximum as 0 but its minimum as a huge number: no sample yet.
    const sampled = (histogram: IntervalHistogram, value: number) => (histogram.count > 0 ? toMs(value) : 0);
    return {
      p50Ms: sampled(this.total, this.total.percentile(50)),
      p99Ms: sampled(this.total, this.total.percentile(99)),
      maxMs: sampled(this.total, this.total.max),
      recentMaxMs: Math.max(this.recentMaxMs, sampled(this.recent, this.recent.max)),
      since: new Date(this.startedAt).toISOString(),
    };
  }

  private check(): void {
    this.recentMaxMs = this.recent.count > 0 ? toMs(this.recent.max) : 0;
    this.recent.reset();
    if (this.recentMaxMs <= this.warnMs) return;
    this.logger.warn(
      { eventLoopDelayMs: this.recentMaxMs, limitMs: this.warnMs },
      `the event loop was held for ${this.recentMaxMs} ms (EVENT_LOOP_WARN_MS=${this.warnMs}): requests, /health and heartbeats waited that long`,
    );
  }
}
