/**
 * `palimpsest models` as a user runs it, against a hub on 127.0.0.1 (HF_ENDPOINT): pull with progress in
 * the logs, a pull killed with SIGKILL and run again (it resumes), two pulls at once (one download), list,
 * and the message an offline pull ends with.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, runCli } from "../support/cli.js";
import { sha256Of, useHubFixture } from "../support/fake-hub.js";

const CONTENT = randomBytes(4_000_000);
const MODEL = "hf:bigscience/tiny-bloom/model.gguf";

const fixture = useHubFixture({ repo: "bigscience/tiny-bloom", content: CONTENT, dirPrefix: "models-cli-" });
const children = new Set<ChildProcess>();
afterEach(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

const FILE = () => fixture.file();
const env = () => ({
  DATA_DIR: fixture.dataDir,
  HF_ENDPOINT: fixture.hub.url,
  BLOOM_MODEL: MODEL,
  LOG_LEVEL: "info",
});
const cdnRanges = () =>
  fixture.hub.requests.filter((r) => r.path.startsWith("/cdn/")).map((r) => r.headers.range);

interface Output {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A pull running in the background: its stderr so far, and all it printed once it exits. */
function startPull(): { child: ChildProcess; stderr: () => string; output: Promise<Output> } {
  const child = spawn(process.execPath, [...CLI, "models", "pull"], { env: { ...process.env, ...env() } });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const output = new Promise<Output>((resolve) =>
    child.once("exit", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, stderr: () => stderr, output };
}

async function until(condition: () => boolean | Promise<boolean>, child: ChildProcess): Promise<void> {
  while (!(await condition())) {
    if (child.exitCode !== null) throw new Error("the pull ended before the awaited moment");
    await sleep(50);
  }
}

/** Waits until the download has written more than `bytes` to its partial. */
const partialOver = (bytes: number, child: ChildProcess) =>
  until(async () => ((await stat(`${FILE()}.partial`).catch(() => undefined))?.size ?? 0) > bytes, child);

describe("palimpsest models", () => {
  it("pull logs its progress (no terminal) and prints the path; list shows the checked file", async () => {
    const pull = await runCli(["models", "pull"], env());
    expect(pull.code).toBe(0);
    expect(pull.stdout).toBe(`${FILE()}\n`);
    const messages = pull.stderr
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages[0]).toBe(
      `model download: ${fixture.hub.url}/bigscience/tiny-bloom/resolve/main/model.gguf (4.0 MB) to ${FILE()}`,
    );
    expect(messages.at(-1)).toMatch(
      new RegExp(`^model download: done: 4.0 MB in \\d+s, sha256 ${sha256Of(CONTENT)}$`),
    );

    const list = await runCli(["models", "list"], env());
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(`* ${MODEL}\t4.0 MB\tsha256 ${sha256Of(CONTENT)}\t${FILE()}\n`);
  });

  it("resumes a pull killed with SIGKILL: Range from the partial's length, same bytes in the end", async () => {
    fixture.hub.behave({ bytesPerSecond: 1_000_000 });
    const killed = startPull();
    await partialOver(1_000_000, killed.child);
    killed.child.kill("SIGKILL");
    await killed.output;
    const kept = (await stat(`${FILE()}.partial`)).size;

    const list = await runCli(["models", "list"], env());
    const percent = Math.floor((kept * 100) / CONTENT.length);
    expect(list.stdout).toContain(
      `* ${MODEL}\tpartial\t${percent}% of 4.0 MB (run "palimpsest models pull" to resume)`,
    );

    fixture.hub.behave({});
    fixture.hub.requests.length = 0;
    const again = await runCli(["models", "pull"], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${FILE()}\n`);
    expect(again.stderr).toContain(`resuming at ${(kept / 1e6).toFixed(1)} MB (${percent}%)`);
    expect(cdnRanges()).toEqual([`bytes=${kept}-`]);
    expect(sha256Of(await readFile(FILE()))).toBe(sha256Of(CONTENT));
  }, 60_000);

  it("two pulls at once: one downloads, the other waits for it and prints the same path", async () => {
    fixture.hub.behave({ bytesPerSecond: 100_000 });
    const first = startPull();
    await partialOver(0, first.child);
    const second = startPull();
    await until(() => second.stderr().includes("waiting for it"), second.child);
    fixture.hub.behave({});
    const [firstRun, secondRun] = await Promise.all([first.output, second.output]);
    expect([firstRun.code, secondRun.code]).toEqual([0, 0]);
    expect([firstRun.stdout, secondRun.stdout]).toEqual([`${FILE()}\n`, `${FILE()}\n`]);
    expect(cdnRanges()).toEqual([undefined]);
    expect(secondRun.stderr).toContain(`another process (${first.child.pid}) is downloading ${FILE()}`);
  }, 60_000);

  it("offline: exits 4 with the file, the URL, and where to put it by hand", async () => {
    const pull = await runCli(["models", "pull"], { ...env(), HF_ENDPOINT: "http://127.0.0.1:9" });
    expect(pull.code).toBe(4);
    expect(pull.stdout).toBe("");
    expect(pull.stderr).toContain(
      "The model file model.gguf could not be downloaded from http://127.0.0.1:9/bigscience/tiny-bloom/resolve/main/model.gguf",
    );
    expect(pull.stderr).toContain(
      `put it at ${FILE()}, or set BLOOM_MODEL to the path of a GGUF file you have.`,
    );
  });

  it("refuses a REF it cannot read, and a missing action, with the usage", async () => {
    const bad = await runCli(["models", "pull", "s3://bucket/model.gguf"], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^REF: "s3:\/\/bucket\/model.gguf" is not a model reference/);
    expect(bad.stderr).toContain("Usage: palimpsest models pull [REF]");
    expect((await runCli(["models"], env())).code).toBe(2);
  });
});
