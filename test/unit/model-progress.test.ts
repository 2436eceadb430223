import { describe, expect, it } from "vitest";
import { barProgress, logProgress } from "../../src/endpoint/embedded/progress.js";
import { capturingLogger } from "../support/fake-hub.js";

const START = { url: "https://hub.example/o/r/resolve/main/m.gguf", destination: "/models/m.gguf" };

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("download progress in logs", () => {
  it("logs the start, each tenth of the file or every 10 s, and the end", () => {
    const { logger, lines } = capturingLogger();
    const time = clock();
    const progress = logProgress(logger, time.now);
    progress.start({ ...START, totalBytes: 100_000_000, resumedFrom: 0 });
    for (let bytes = 1_000_000; bytes <= 100_000_000; bytes += 1_000_000) {
      time.advance(100);
      progress.advance(bytes);
    }
    progress.end({ sha256: "ab".repeat(32), bytes: 100_000_000, seconds: 10 });
    const messages = lines.map((line) => line.msg);
    expect(messages[0]).toBe(`model download: ${START.url} (100.0 MB) to ${START.destination}`);
    expect(messages.slice(1, -1).map((m) => /(\d+)%/.exec(m)?.[1])).toEqual([
      "10",
      "20",
      "30",
      "40",
      "50",
      "60",
      "70",
      "80",
      "90",
      "100",
    ]);
    expect(messages[1]).toBe("model download:  10%  10.0 MB/100.0 MB  10.0 MB/s  ETA 9s");
    expect(messages.at(-1)).toBe(`model download: done: 100.0 MB in 10s, sha256 ${"ab".repeat(32)}`);
  });

  it("logs every 10 s when the file's size is unknown, and says where a resumed download resumes", () => {
    const { logger, lines } = capturingLogger();
    const time = clock();
    const progress = logProgress(logger, time.now);
    progress.start({ ...START, totalBytes: undefined, resumedFrom: 5_000_000 });
    for (let second = 1; second <= 25; second++) {
      time.advance(1000);
      progress.advance(5_000_000 + second * 1_000_000);
    }
    expect(lines.map((line) => line.msg)).toEqual([
      `model download: ${START.url} to ${START.destination}, resuming at 5.0 MB`,
      "model download: 15.0 MB  1.0 MB/s",
      "model download: 25.0 MB  1.0 MB/s",
    ]);
  });
});

describe("download progress on a terminal", () => {
  it("redraws the bar at most ten times a second and ends the line", () => {
    const written: string[] = [];
    const time = clock();
    const progress = barProgress(
      { write: (text: string) => written.push(text) } as unknown as NodeJS.WritableStream,
      time.now,
    );
    progress.start({ ...START, totalBytes: 10_000_000, resumedFrom: 2_500_000 });
    for (let n = 1; n <= 100; n++) {
      time.advance(10);
      progress.advance(2_500_000 + n * 75_000);
    }
    progress.end();
    expect(written[0]).toBe(
      `Downloading ${START.url} (10.0 MB) to ${START.destination}, resuming at 2.5 MB (25%)\n`,
    );
    const draws = written.filter((text) => text.startsWith("\r\x1b[2K"));
    // One at the start, one per 100 ms over a second, one at the end.
    expect(draws).toHaveLength(12);
    expect(draws[1]).toBe("\r\x1b[2K[########----------------]  32%  3.3 MB/10.0 MB  7.5 MB/s  ETA 1s");
    expect(draws.at(-1)).toBe("\r\x1b[2K[########################] 100%  10.0 MB/10.0 MB  7.5 MB/s  ETA 0s");
    expect(written.at(-1)).toBe("\n");
  });
});
