/** The model-response cache: the same model, prompt and parameters are answered once by the server. */
import { describe, expect, it } from "vitest";
import type { GenerateRequest, LlmEndpoint } from "../../src/endpoint/port.js";
import { withResponseCache } from "../../src/store/cached-endpoint.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";

function countingEndpoint(modelId = "bigscience/bloomz-560m") {
  const calls: GenerateRequest[] = [];
  const endpoint: LlmEndpoint = {
    info: async () => ({
      kind: "tgi",
      modelId,
      maxInputTokens: 1024,
      maxTotalTokens: 2048,
      maxConcurrentRequests: 4,
      exactTokenCounts: true,
    }),
    countTokens: async (text) => text.length,
    probe: async () => {},
    generate: async (request) => {
      calls.push(request);
      return { text: `answer ${calls.length}`, finishReason: "eos_token", grammarApplied: true, attempts: 3 };
    },
  };
  return { endpoint, calls };
}

const request: GenerateRequest = {
  prompt: "Document: <<< Lyon >>> JSON:",
  maxNewTokens: 64,
  schema: { type: "object" },
};

describe("response cache", () => {
  it("answers a request it has seen from the store, and tells where each answer came from", async () => {
    const store = new SqliteStore(":memory:");
    const { endpoint, calls } = countingEndpoint();
    const sources: string[] = [];
    const cached = withResponseCache(endpoint, store, (from) => sources.push(from));
    const first = await cached.generate(request);
    const second = await cached.generate({ ...request });
    expect(calls).toHaveLength(1);
    expect(second).toEqual({ ...first, attempts: 1 });
    expect(first.attempts).toBe(3);
    expect(sources).toEqual(["server", "cache"]);
  });

  it.each([
    ["another prompt", { ...request, prompt: "Document: <<< Paris >>> JSON:" }],
    ["another output budget", { ...request, maxNewTokens: 128 }],
    ["another schema", { ...request, schema: { type: "array" } }],
    ["no schema", { prompt: request.prompt, maxNewTokens: 64 }],
    ["stop sequences", { ...request, stop: ["\n<<<"] }],
  ])("asks the server again for %s", async (_label, other) => {
    const store = new SqliteStore(":memory:");
    const { endpoint, calls } = countingEndpoint();
    const cached = withResponseCache(endpoint, store);
    await cached.generate(request);
    await cached.generate(other);
    expect(calls).toHaveLength(2);
  });

  it("keeps answers apart per model, and across restarts of the process", async () => {
    const store = new SqliteStore(":memory:");
    const small = countingEndpoint("bigscience/bloomz-560m");
    const large = countingEndpoint("bigscience/bloomz-7b1");
    await withResponseCache(small.endpoint, store).generate(request);
    await withResponseCache(large.endpoint, store).generate(request);
    expect(large.calls).toHaveLength(1);
    await withResponseCache(countingEndpoint().endpoint, store).generate(request);
    const again = countingEndpoint();
    expect((await withResponseCache(again.endpoint, store).generate(request)).text).toBe("answer 1");
    expect(again.calls).toHaveLength(0);
  });

  it("does not cache a failed call", async () => {
    const store = new SqliteStore(":memory:");
    const { endpoint, calls } = countingEndpoint();
    let fail = true;
    const flaky: LlmEndpoint = {
      ...endpoint,
      generate: async (r) => {
        if (fail) {
          fail = false;
          throw new Error("down");
        }
        return endpoint.generate(r);
      },
    };
    const cached = withResponseCache(flaky, store);
    await expect(cached.generate(request)).rejects.toThrow("down");
    await cached.generate(request);
    expect(calls).toHaveLength(1);
  });
});
