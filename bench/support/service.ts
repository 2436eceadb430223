/**
 * What the benchmarks that measure a running service share: the service started as a
 * child process, /health polled for its latency, the child's memory, percentiles.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** `palimpsest serve` (run with `cli`) on `port` against the model server at `modelUrl`, once /health answers. */
export async function startService(
  cli: readonly string[],
  port: number,
  dataDir: string,
  modelUrl: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...cli, "serve"], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      BLOOM_ENDPOINT_URL: modelUrl,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let tries = 0; tries < 300; tries++) {
    if ((await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok) return child;
    await sleep(100);
  }
  child.kill();
  throw new Error("the service did not start");
}

/** /health every `everyMs` until stopped: each answer's latency, in ms. */
export function watchHealth(port: number, everyMs: number): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      await response?.text();
      latencies.push(performance.now() - started);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}

/** Resident and peak memory of a process (Linux /proc), in MiB; undefined once it is gone. */
export function memoryOf(pid: number): { rssMiB: number; hwmMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMiB: kib("VmRSS") / 1024, hwmMiB: kib("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

export function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}
