/**
 * Getting to the model file: what a person reads when the hub cannot be reached or refuses, which token
 * goes where, and a local BLOOM_MODEL path.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureModelFile } from "../../src/endpoint/embedded/model-file.js";
import { capturingLogger, type FakeHub, hubConfig, startFakeHub } from "../support/fake-hub.js";

const CONTENT = randomBytes(200_000);
const MODEL = "hf:bigscience/gated-bloom/model.gguf";

let hub: FakeHub;
let dataDir: string;
beforeAll(async () => {
  hub = await startFakeHub({
    files: { "bigscience/gated-bloom/main/model.gguf": CONTENT },
    separateCdn: true,
  });
});
afterAll(() => hub.close());
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "model-access-"));
  hub.requests.length = 0;
  hub.behave({});
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const logger = () => capturingLogger().logger;
const destination = () => join(dataDir, "models", "hub", "bigscience", "gated-bloom", "main", "model.gguf");

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("ensureModelFile, reaching the hub", () => {
  it("offline: says which file, from where, and where to put it by hand", async () => {
    const hubUrl = `http://127.0.0.1:${await closedPort()}`;
    const failure = ensureModelFile(hubConfig(hubUrl, dataDir, { model: MODEL }), { logger: logger() });
    await expect(failure).rejects.toMatchObject({
      code: "MODEL_NOT_AVAILABLE",
      retryable: true,
      details: {
        url: `${hubUrl}/bigscience/gated-bloom/resolve/main/model.gguf`,
        destination: destination(),
      },
    });
    const message = await failure.catch((error: Error) => error.message);
    expect(message).toContain(
      `The model file model.gguf could not be downloaded from ${hubUrl}/bigscience/gated-bloom/resolve/main/model.gguf`,
    );
    expect(message).toContain(
      "could not be reached (ECONNREFUSED): this machine is offline, or the hub is down. ",
    );
    expect(message).toContain(`put it at ${destination()}, or set BLOOM_MODEL to the path of a GGUF file`);
  });

  it("sends MODEL_HUB_TOKEN to the hub only: not to the CDN it redirects to, and never HF_TOKEN", async () => {
    hub.behave({ requireToken: "hub-secret" });
    const config = hubConfig(hub.url, dataDir, {
      model: MODEL,
      hubToken: "hub-secret",
      hfToken: "server-secret",
    });
    await expect(ensureModelFile(config, { logger: logger() })).resolves.toBe(destination());
    expect(hub.requests.map((r) => [r.server, r.headers.authorization])).toEqual([
      ["hub", "Bearer hub-secret"],
      ["cdn", undefined],
    ]);
    expect(JSON.stringify(hub.requests)).not.toContain("server-secret");
  });

  it("without a token, sends no Authorization at all, even with HF_TOKEN set", async () => {
    const config = hubConfig(hub.url, dataDir, { model: MODEL, hfToken: "server-secret" });
    await ensureModelFile(config, { logger: logger() });
    expect(hub.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
  });

  it("401: says to set MODEL_HUB_TOKEN, or that the one set was refused", async () => {
    hub.behave({ requireToken: "hub-secret" });
    const without = ensureModelFile(hubConfig(hub.url, dataDir, { model: MODEL }), { logger: logger() });
    await expect(without).rejects.toThrow(
      /the hub answered 401: the repository is private or gated.*set MODEL_HUB_TOKEN/,
    );
    const wrong = ensureModelFile(hubConfig(hub.url, dataDir, { model: MODEL, hubToken: "nope" }), {
      logger: logger(),
    });
    await expect(wrong).rejects.toThrow(/the hub answered 401: MODEL_HUB_TOKEN was refused/);
    await expect(wrong).rejects.not.toThrow(/nope/);
  });

  it("404: says to check the reference", async () => {
    const config = hubConfig(hub.url, dataDir, { model: "hf:bigscience/gated-bloom@v2/model.gguf" });
    await expect(ensureModelFile(config, { logger: logger() })).rejects.toThrow(
      /the hub answered 404: no such file; check the owner, the repository, the revision and the file name/,
    );
  });
});

describe("ensureModelFile, local BLOOM_MODEL", () => {
  it("uses a readable file as it is, without the network", async () => {
    const path = join(dataDir, "mine.gguf");
    await writeFile(path, CONTENT);
    const config = hubConfig("http://127.0.0.1:9", dataDir, { model: path });
    await expect(ensureModelFile(config, { logger: logger() })).resolves.toBe(path);
  });

  it.each([
    ["does not exist", () => join(dataDir, "missing.gguf")],
    ["is not a file", () => dataDir],
  ])("names the path when it %s", async (problem, pathOf) => {
    const path = pathOf();
    const failure = ensureModelFile(hubConfig("http://127.0.0.1:9", dataDir, { model: path }), {
      logger: logger(),
    });
    await expect(failure).rejects.toMatchObject({ code: "MODEL_NOT_AVAILABLE" });
    await expect(failure).rejects.toThrow(`BLOOM_MODEL names the local file ${path}, which ${problem}.`);
  });
});
