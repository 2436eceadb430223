/**
 * Getting to the model file: what a person reads when the hub cannot be reached or refuses, which token
 * goes where, and a local BLOOM_MODEL path.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureModelFile } from "../../src/endpoint/embedded/model-file.js";
import { capturingLogger, hubConfig, useHubFixture } from "../support/fake-hub.js";

const CONTENT = randomBytes(200_000);
const MODEL = "hf:bigscience/gated-bloom/model.gguf";

const fixture = useHubFixture({
  repo: "bigscience/gated-bloom",
  content: CONTENT,
  dirPrefix: "model-access-",
  separateCdn: true,
});

const logger = () => capturingLogger().logger;
const destination = () => fixture.file();

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
    const failure = ensureModelFile(hubConfig(hubUrl, fixture.dataDir, { model: MODEL }), {
      logger: logger(),
    });
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
    fixture.hub.behave({ requireToken: "hub-secret" });
    const config = hubConfig(fixture.hub.url, fixture.dataDir, {
      model: MODEL,
      hubToken: "hub-secret",
      hfToken: "server-secret",
    });
    await expect(ensureModelFile(config, { logger: logger() })).resolves.toBe(destination());
    expect(fixture.hub.requests.map((r) => [r.server, r.headers.authorization])).toEqual([
      ["hub", "Bearer hub-secret"],
      ["cdn", undefined],
    ]);
    expect(JSON.stringify(fixture.hub.requests)).not.toContain("server-secret");
  });

  it("without a token, sends no Authorization at all, even with HF_TOKEN set", async () => {
    const config = hubConfig(fixture.hub.url, fixture.dataDir, { model: MODEL, hfToken: "server-secret" });
    await ensureModelFile(config, { logger: logger() });
    expect(fixture.hub.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
  });

  it("401: says to set MODEL_HUB_TOKEN, or that the one set was refused", async () => {
    fixture.hub.behave({ requireToken: "hub-secret" });
    const without = ensureModelFile(hubConfig(fixture.hub.url, fixture.dataDir, { model: MODEL }), {
      logger: logger(),
    });
    await expect(without).rejects.toThrow(
      /the hub answered 401: the repository is private or gated.*set MODEL_HUB_TOKEN/,
    );
    const wrong = ensureModelFile(
      hubConfig(fixture.hub.url, fixture.dataDir, { model: MODEL, hubToken: "nope" }),
      {
        logger: logger(),
      },
    );
    await expect(wrong).rejects.toThrow(/the hub answered 401: MODEL_HUB_TOKEN was refused/);
    await expect(wrong).rejects.not.toThrow(/nope/);
  });

  it("404: says to check the reference", async () => {
    const config = hubConfig(fixture.hub.url, fixture.dataDir, {
      model: "hf:bigscience/gated-bloom@v2/model.gguf",
    });
    await expect(ensureModelFile(config, { logger: logger() })).rejects.toThrow(
      /the hub answered 404: no such file; check the owner, the repository, the revision and the file name/,
    );
  });
});

describe("ensureModelFile, local BLOOM_MODEL", () => {
  it("uses a readable file as it is, without the network", async () => {
    const path = join(fixture.dataDir, "mine.gguf");
    await writeFile(path, CONTENT);
    const config = hubConfig("http://127.0.0.1:9", fixture.dataDir, { model: path });
    await expect(ensureModelFile(config, { logger: logger() })).resolves.toBe(path);
  });

  it.each([
    ["does not exist", () => join(fixture.dataDir, "missing.gguf")],
    ["is not a file", () => fixture.dataDir],
  ])("names the path when it %s", async (problem, pathOf) => {
    const path = pathOf();
    const failure = ensureModelFile(hubConfig("http://127.0.0.1:9", fixture.dataDir, { model: path }), {
      logger: logger(),
    });
    await expect(failure).rejects.toMatchObject({ code: "MODEL_NOT_AVAILABLE" });
    await expect(failure).rejects.toThrow(`BLOOM_MODEL names the local file ${path}, which ${problem}.`);
  });
});
