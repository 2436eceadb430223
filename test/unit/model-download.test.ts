/**
 * Downloading the embedded model's file from a hub on 127.0.0.1: complete and checked, then used with no
 * network; stopped when stalled or aborted with what was received kept; refused when the bytes are not
 * the ones announced or do not fit on the disk. Resuming is in model-resume.test.ts.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureModelFile } from "../../src/endpoint/embedded/model-file.js";
import { defaultProgress } from "../../src/endpoint/embedded/progress.js";
import { capturingLogger, hubConfig, sha256Of, useHubFixture } from "../support/fake-hub.js";

const CONTENT = randomBytes(3 * 1024 * 1024);
const MODEL = "hf:bigscience/tiny-bloom/model.gguf";

const fixture = useHubFixture({
  repo: "bigscience/tiny-bloom",
  content: CONTENT,
  dirPrefix: "model-download-",
});

const FILE = () => fixture.file();
const config = (overrides = {}) =>
  hubConfig(fixture.hub.url, fixture.dataDir, { model: MODEL, modelDownloadIdleMs: 400, ...overrides });
const cdnRequests = () => fixture.hub.requests.filter((r) => r.path.startsWith("/cdn/"));
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe("ensureModelFile, downloading", () => {
  it("downloads, checks against the hub's sha256, renames, and then needs no network", async () => {
    const { logger, lines } = capturingLogger();
    const path = await ensureModelFile(config(), { logger });
    expect(path).toBe(FILE());
    expect((await readFile(path)).equals(CONTENT)).toBe(true);
    // The hub's redirect followed to the CDN; one request each, for the whole file.
    expect(fixture.hub.requests).toHaveLength(2);
    expect(cdnRequests().map((r) => r.headers.range)).toEqual([undefined]);
    expect(
      (await readdir(join(fixture.dataDir, "models", "hub", "bigscience", "tiny-bloom", "main"))).sort(),
    ).toEqual(["model.gguf", "model.gguf.verified.json"]);
    const record = JSON.parse(await readFile(`${path}.verified.json`, "utf8"));
    expect(record).toMatchObject({ sha256: sha256Of(CONTENT), checkedAgainst: "hub", reference: MODEL });
    // Logged without a terminal: where from, where to, how big; then the checksum at the end.
    expect(lines[0]?.msg).toContain(
      `${fixture.hub.url}/bigscience/tiny-bloom/resolve/main/model.gguf (3.1 MB) to ${path}`,
    );
    expect(lines.at(-1)?.msg).toContain(`sha256 ${sha256Of(CONTENT)}`);

    // A hub that cannot be reached does not matter any more, and the file is not hashed again.
    lines.length = 0;
    const offline = hubConfig("http://127.0.0.1:9", fixture.dataDir, { model: MODEL });
    await expect(ensureModelFile(offline, { logger })).resolves.toBe(path);
    expect(lines).toEqual([]);
  });

  it("stops a download that receives nothing for MODEL_DOWNLOAD_IDLE_MS and keeps what came", async () => {
    fixture.hub.behave({ hangAfterBytes: 1_000_000 });
    const started = Date.now();
    const failure = ensureModelFile(config(), { logger: capturingLogger().logger });
    await expect(failure).rejects.toMatchObject({ code: "MODEL_NOT_AVAILABLE" });
    await expect(failure).rejects.toThrow(/no data came for .*MODEL_DOWNLOAD_IDLE_MS.*resumes/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await stat(`${FILE()}.partial`)).size).toBe(1_000_000);
    expect(await exists(FILE())).toBe(false);
    expect(await exists(`${FILE()}.lock`)).toBe(false);
  });

  it("rejects on abort with the signal's reason, never with a path, and keeps the partial", async () => {
    fixture.hub.behave({ bytesPerSecond: 2_000_000 });
    const controller = new AbortController();
    const reason = new Error("shutting down");
    const failure = ensureModelFile(config(), {
      logger: capturingLogger().logger,
      signal: controller.signal,
      onFraction: (fraction) => {
        if (fraction > 0.2) controller.abort(reason);
      },
    });
    await expect(failure).rejects.toBe(reason);
    const kept = (await stat(`${FILE()}.partial`)).size;
    expect(kept).toBeGreaterThan(0.1 * CONTENT.length);
    expect(kept).toBeLessThan(CONTENT.length);
    expect(await exists(FILE())).toBe(false);
    expect(await exists(`${FILE()}.lock`)).toBe(false);
  });

  it("refuses bytes whose sha256 is not the hub's, leaving nothing behind", async () => {
    fixture.hub.behave({ corrupt: true });
    const failure = ensureModelFile(config(), { logger: capturingLogger().logger });
    await expect(failure).rejects.toMatchObject({ code: "MODEL_NOT_AVAILABLE" });
    const served = Buffer.from(CONTENT);
    served[CONTENT.length / 2] = (served[CONTENT.length / 2] as number) ^ 0xff;
    await expect(failure).rejects.toThrow(
      `sha256 is ${sha256Of(served)}, but ${sha256Of(CONTENT)} was expected`,
    );
    await expect(failure).rejects.toThrow(/\(the hub's checksum of the file\); the download was deleted/);
    expect(await readdir(join(fixture.dataDir, "models", "hub", "bigscience", "tiny-bloom", "main"))).toEqual(
      [],
    );
  });

  it("refuses, before writing a byte, a file the hub says differs from BLOOM_MODEL_SHA256", async () => {
    const failure = ensureModelFile(config({ modelSha256: "0".repeat(64) }), {
      logger: capturingLogger().logger,
    });
    await expect(failure).rejects.toThrow(
      /the hub now serves a file whose sha256 is .* not 0{64} \(BLOOM_MODEL_SHA256\)/,
    );
    expect(await readdir(join(fixture.dataDir, "models", "hub", "bigscience", "tiny-bloom", "main"))).toEqual(
      [],
    );
  });

  it("says how much space is needed, and where, when the disk cannot hold the file", async () => {
    fixture.hub.behave({ announcedSize: 2 ** 52 });
    const failure = ensureModelFile(config(), { logger: capturingLogger().logger });
    await expect(failure).rejects.toMatchObject({ code: "MODEL_NOT_AVAILABLE" });
    await expect(failure).rejects.toThrow(
      `not enough free disk space: 4503599627.4 MB is needed in ${join(fixture.dataDir, "models", "hub", "bigscience", "tiny-bloom", "main")}`,
    );
  });

  it("checks a file put there by hand once, and refuses it when it is not the expected one", async () => {
    await ensureModelFile(config(), { logger: capturingLogger().logger });
    await rm(`${FILE()}.verified.json`);
    const offline = hubConfig("http://127.0.0.1:9", fixture.dataDir, { model: MODEL });
    const { logger, lines } = capturingLogger();
    await expect(ensureModelFile(offline, { logger })).resolves.toBe(FILE());
    expect(lines.map((l) => l.msg)).toEqual([`model file: computing the sha256 of ${FILE()} (once)`]);

    const failure = ensureModelFile({ ...offline, modelSha256: "f".repeat(64) }, { logger });
    await expect(failure).rejects.toThrow(
      `The model file ${FILE()} has sha256 ${sha256Of(CONTENT)}, but ${"f".repeat(64)} is expected`,
    );
  });

  it("shows a bar on a terminal, redrawn in place", async () => {
    const written: string[] = [];
    const terminal = Object.assign({ write: (text: string) => written.push(text) }, { isTTY: true });
    const { logger, lines } = capturingLogger();
    await ensureModelFile(config(), {
      logger,
      progress: defaultProgress(logger, terminal as unknown as NodeJS.WritableStream),
    });
    const output = written.join("");
    expect(output).toMatch(/^Downloading http/);
    expect(output).toContain("\r\x1b[2K[########################] 100%  3.1 MB/3.1 MB");
    expect(output).toContain(`sha256 ${sha256Of(CONTENT)}`);
    expect(lines).toEqual([]);
  });
});
