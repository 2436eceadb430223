/**
 * Resuming a model download: the rest asked for with Range from the partial's length; a server that
 * ignores the Range; a partial that turns out to belong to another version of the file; a partial that
 * was complete when the process stopped.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureModelFile } from "../../src/endpoint/embedded/model-file.js";
import { capturingLogger, hubConfig, useHubFixture } from "../support/fake-hub.js";

const CONTENT = randomBytes(3 * 1024 * 1024);
const MODEL = "hf:bigscience/tiny-bloom/model.gguf";

const fixture = useHubFixture({
  repo: "bigscience/tiny-bloom",
  content: CONTENT,
  dirPrefix: "model-resume-",
});

const FILE = () => fixture.file();
const config = () => hubConfig(fixture.hub.url, fixture.dataDir, { model: MODEL, modelDownloadIdleMs: 400 });
const ranges = () =>
  fixture.hub.requests.filter((r) => r.path.startsWith("/cdn/")).map((r) => r.headers.range);

/** Stops the first download after `bytes` (the hub hangs, the idle timeout ends it). */
async function interruptAfter(bytes: number): Promise<void> {
  fixture.hub.behave({ hangAfterBytes: bytes });
  await expect(ensureModelFile(config(), { logger: capturingLogger().logger })).rejects.toThrow(
    /no data came/,
  );
  fixture.hub.behave({});
  fixture.hub.requests.length = 0;
}

async function leavePartial(bytes: Buffer, info?: object): Promise<void> {
  await mkdir(dirname(FILE()), { recursive: true });
  await writeFile(`${FILE()}.partial`, bytes);
  if (info) await writeFile(`${FILE()}.partial.json`, JSON.stringify(info));
}

describe("ensureModelFile, resuming", () => {
  it("asks for the rest from the partial's length, says where it resumes, ends byte-identical", async () => {
    await interruptAfter(1_234_567);
    const { logger, lines } = capturingLogger();
    const path = await ensureModelFile(config(), { logger });
    expect(ranges()).toEqual(["bytes=1234567-"]);
    expect((await readFile(path)).equals(CONTENT)).toBe(true);
    expect(lines.map((l) => l.msg).join("\n")).toMatch(/resuming at 1\.2 MB \(39%\)/);
  });

  it("writes from the start when the server answers the Range with the whole file", async () => {
    await interruptAfter(500_000);
    fixture.hub.behave({ ignoreRange: true });
    const path = await ensureModelFile(config(), { logger: capturingLogger().logger });
    expect(ranges()).toEqual(["bytes=500000-"]);
    expect((await readFile(path)).equals(CONTENT)).toBe(true);
  });

  it("downloads the whole file again when the resumed one does not match its checksum", async () => {
    await leavePartial(randomBytes(1_000_000));
    const { logger, lines } = capturingLogger();
    const path = await ensureModelFile(config(), { logger });
    expect(ranges()).toEqual(["bytes=1000000-", undefined]);
    expect((await readFile(path)).equals(CONTENT)).toBe(true);
    expect(lines.map((l) => l.msg)).toContain(
      "model download: checksum mismatch after resuming; downloading the whole file again",
    );
  });

  it("drops a partial longer than the file served (416) and starts again", async () => {
    await leavePartial(randomBytes(CONTENT.length + 10));
    const path = await ensureModelFile(config(), { logger: capturingLogger().logger });
    expect(ranges()).toEqual([`bytes=${CONTENT.length + 10}-`, undefined]);
    expect((await readFile(path)).equals(CONTENT)).toBe(true);
  });

  it("finishes a partial that was complete when the process stopped, without the network", async () => {
    await leavePartial(CONTENT, { reference: MODEL, url: "", size: CONTENT.length });
    const path = await ensureModelFile(config(), { logger: capturingLogger().logger });
    expect(fixture.hub.requests).toEqual([]);
    expect((await readFile(path)).equals(CONTENT)).toBe(true);
  });
});
