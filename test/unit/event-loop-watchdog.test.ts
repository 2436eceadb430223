/** The event-loop watchdog: a loop held past EVENT_LOOP_WARN_MS is logged and shows in its figures. */
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { EventLoopWatchdog } from "../../src/event-loop-watchdog.js";
import { createLogger } from "../../src/logger.js";
import { logLines } from "../support/log-lines.js";

function capturingLogger() {
  const log = logLines();
  return { logger: createLogger("warn", log.stream), lines: log.lines };
}

/** Holds the event loop, as a runaway computation would. */
function holdLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(50);
}

let watchdog: EventLoopWatchdog | undefined;
afterEach(() => watchdog?.stop());

describe("EventLoopWatchdog", () => {
  it("logs a warning once the loop was held past the limit, and keeps the worst delay in its figures", async () => {
    const { logger, lines } = capturingLogger();
    watchdog = new EventLoopWatchdog(logger, 150);
    watchdog.start();
    await sleep(50);
    holdLoop(600);
    await until(() => lines.length > 0);
    expect(lines[0]).toMatchObject({ level: 40, limitMs: 150 });
    expect(lines[0]?.eventLoopDelayMs).toBeGreaterThan(150);
    const figures = watchdog.figures();
    expect(figures.maxMs).toBeGreaterThan(150);
    expect(figures.maxMs).toBeGreaterThanOrEqual(figures.p99Ms);
    expect(figures.p99Ms).toBeGreaterThanOrEqual(figures.p50Ms);
  });

  it("says nothing while the loop is free", async () => {
    const { logger, lines } = capturingLogger();
    watchdog = new EventLoopWatchdog(logger, 5_000);
    watchdog.start();
    holdLoop(200);
    // Two checks pass.
    await sleep(2_100);
    expect(lines).toEqual([]);
    expect(watchdog.figures().maxMs).toBeLessThan(5_000);
  });
});
