/**
 * One download of a file at a time: a second caller waits for the first and uses its file; a lock left
 * by a process that is gone is taken over.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock } from "../../src/endpoint/embedded/download-lock.js";
import { ensureModelFile } from "../../src/endpoint/embedded/model-file.js";
import { capturingLogger, hubConfig, useHubFixture } from "../support/fake-hub.js";

const CONTENT = randomBytes(1_000_000);
const MODEL = "hf:bigscience/tiny-bloom/model.gguf";

const fixture = useHubFixture({ repo: "bigscience/tiny-bloom", content: CONTENT, dirPrefix: "model-lock-" });

const FILE = () => fixture.file();
const LOCK = () => `${FILE()}.lock`;
const config = () => hubConfig(fixture.hub.url, fixture.dataDir, { model: MODEL });
const cdnGets = () => fixture.hub.requests.filter((r) => r.path.startsWith("/cdn/")).length;

/** A pid no process has any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

async function leaveLock(pid: number, ageMs = 0): Promise<void> {
  await mkdir(dirname(LOCK()), { recursive: true });
  await writeFile(LOCK(), String(pid));
  const then = new Date(Date.now() - ageMs);
  await utimes(LOCK(), then, then);
}

describe("the download lock", () => {
  it("lets one of two simultaneous calls download; the other waits and uses its file", async () => {
    fixture.hub.behave({ bytesPerSecond: 4_000_000 });
    const first = capturingLogger();
    const second = capturingLogger();
    const paths = await Promise.all([
      ensureModelFile(config(), { logger: first.logger }),
      ensureModelFile(config(), { logger: second.logger }),
    ]);
    expect(paths).toEqual([FILE(), FILE()]);
    expect(cdnGets()).toBe(1);
    expect((await readFile(FILE())).equals(CONTENT)).toBe(true);
    expect([...first.lines, ...second.lines].map((l) => l.msg)).toContain(
      `model download: another process (${process.pid}) is downloading ${FILE()}; waiting for it`,
    );
    await expect(stat(LOCK())).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ["a process that has ended", () => leaveLock(deadPid())],
    ["this process's own pid, not held (a restarted container)", () => leaveLock(process.pid)],
    ["a live pid, not touched for a minute (another machine)", () => leaveLock(process.ppid, 60_000)],
  ])("takes over a lock left by %s", async (_case, leave) => {
    await leave();
    await expect(ensureModelFile(config(), { logger: capturingLogger().logger })).resolves.toBe(FILE());
    expect(cdnGets()).toBe(1);
    await expect(stat(LOCK())).rejects.toThrow(/ENOENT/);
  });

  it("waits for a live holder, and stops waiting on abort", async () => {
    await leaveLock(process.ppid);
    const controller = new AbortController();
    const waiting = ensureModelFile(config(), {
      logger: capturingLogger().logger,
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(cdnGets()).toBe(0);
    expect(await readFile(LOCK(), "utf8")).toBe(String(process.ppid));
  });

  it("removes only its own lock on release", async () => {
    await mkdir(dirname(LOCK()), { recursive: true });
    const lock = await acquireLock(LOCK());
    // Taken over meanwhile (as if this holder had been stale): the new holder's lock stays.
    await rm(LOCK());
    await writeFile(LOCK(), "12345");
    await lock.release();
    expect(await readFile(LOCK(), "utf8")).toBe("12345");
  });
});
