/**
 * What the metrics cost: the time of a cheap request (GET /health) through the whole app with
 * METRICS=on and off, in turns, in process (app.inject), and the time of a scrape (GET /metrics) after
 * them. Each round runs both services back to back; the lines give medians over the rounds.
 *
 *   npx tsx bench/metrics.ts        Environment: ROUNDS (default 7), REQUESTS per round (default 2000).
 */
import { startHarness } from "../test/support/harness.js";

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const REQUESTS = Number(process.env.REQUESTS ?? 2000);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function round(metrics: "on" | "off") {
  const harness = await startHarness({ env: { METRICS: metrics } });
  try {
    // Warm up: JIT, the first scrape's start of Node's own metrics.
    for (let i = 0; i < 200; i++) await harness.app.inject({ url: "/health" });
    await harness.app.inject({ url: "/metrics" });
    const started = performance.now();
    for (let i = 0; i < REQUESTS; i++) await harness.app.inject({ url: "/health" });
    const request = ((performance.now() - started) / REQUESTS) * 1000;
    const scrapeStarted = performance.now();
    await harness.app.inject({ url: "/metrics" });
    return { request, scrape: performance.now() - scrapeStarted };
  } finally {
    await harness.close();
  }
}

const on: { request: number; scrape: number }[] = [];
const off: { request: number; scrape: number }[] = [];
for (let index = 0; index < ROUNDS; index++) {
  on.push(await round("on"));
  off.push(await round("off"));
}
const withMetrics = median(on.map((r) => r.request));
const without = median(off.map((r) => r.request));
console.log(`GET /health, METRICS=on:  ${withMetrics.toFixed(0)} µs a request (median of ${ROUNDS} rounds)`);
console.log(`GET /health, METRICS=off: ${without.toFixed(0)} µs a request`);
console.log(`cost of counting a request: ${(withMetrics - without).toFixed(0)} µs`);
console.log(`GET /metrics (a scrape):  ${median(on.map((r) => r.scrape)).toFixed(2)} ms`);
