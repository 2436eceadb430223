/** BLOOM_SERVER=auto against each kind of server, and against none. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "../support/tgi-client.js";
import { startTgiTestServer } from "../support/tgi-server.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(openaiOnly: boolean) {
  const server = await startTgiTestServer({ openaiOnly });
  closers.push(() => server.close());
  return server;
}

describe("server detection", () => {
  it("picks the TGI adapter when GET /info answers TGI's Info", async () => {
    const server = await start(false);
    const { endpoint } = connect(server.url, { BLOOM_SERVER: "auto" });

    await endpoint.generate({ prompt: "Texte", maxNewTokens: 20 });

    expect((await endpoint.info()).kind).toBe("tgi");
    expect(server.received.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /info",
      "POST /",
    ]);
  });

  it("picks the OpenAI-compatible adapter when only /v1 answers", async () => {
    const server = await start(true);
    const { endpoint } = connect(server.url, { BLOOM_SERVER: "auto" });

    await endpoint.generate({ prompt: "Texte", maxNewTokens: 20 });

    expect((await endpoint.info()).kind).toBe("openai");
    // llama.cpp's /props is asked before /v1/models, which llama.cpp's server answers too.
    expect(server.received.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /info",
      "GET /props",
      "GET /v1/models",
      "POST /v1/completions",
    ]);
  });

  it("names BLOOM_ENDPOINT_URL and every route it tried when no protocol answers", async () => {
    const other = createServer((_, response) => response.writeHead(404).end("Not Found"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => other.close(() => resolve())));
    const { endpoint } = connect(`http://127.0.0.1:${(other.address() as AddressInfo).port}`, {
      BLOOM_SERVER: "auto",
    });

    await expect(endpoint.info()).rejects.toMatchObject({
      code: "ENDPOINT_UNREACHABLE",
      message: expect.stringContaining(
        "none of TGI's GET /info, llama.cpp's GET /props, an OpenAI-compatible GET /v1/models. Check BLOOM_ENDPOINT_URL",
      ),
    });
  });

  it("reports a server that is not running as unreachable, naming BLOOM_ENDPOINT_URL", async () => {
    const server = await start(false);
    const url = server.url;
    await closers.splice(0)[0]?.();
    const { endpoint, sleeps } = connect(url, { BLOOM_SERVER: "auto", MODEL_RETRIES: "1" });

    await expect(endpoint.generate({ prompt: "Texte", maxNewTokens: 20 })).rejects.toMatchObject({
      code: "ENDPOINT_UNREACHABLE",
      message: expect.stringContaining("BLOOM_ENDPOINT_URL"),
    });
    // Refused connections are retried like any other transient failure.
    expect(sleeps).toHaveLength(1);
  });
});
