import { InferenceClientProviderApiError } from "@huggingface/inference";
import { describe, expect, it } from "vitest";
import { createRetrier, type RetryOptions } from "../../src/endpoint/retry.js";

const overloaded = () =>
  new InferenceClientProviderApiError(
    "Failed to perform inference: Model is overloaded",
    { url: "http://tgi", method: "POST" },
    { requestId: "", status: 429, body: { error: "Model is overloaded", error_type: "overloaded" } },
  );

function retrier(overrides: Partial<RetryOptions> = {}) {
  const sleeps: number[] = [];
  const retry = createRetrier({
    retries: 5,
    baseMs: 100,
    maxMs: 1000,
    timeoutMs: 10_000,
    where: "http://tgi",
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger: { warn: () => {} },
    ...overrides,
  });
  return { retry, sleeps };
}

/** An attempt that fails `failures` times with `error`, then returns "ok". */
function flaky(failures: number, error: () => unknown) {
  let calls = 0;
  return async () => {
    calls++;
    if (calls <= failures) throw error();
    return "ok";
  };
}

describe("createRetrier", () => {
  it("doubles the backoff ceiling each retry, up to maxMs (full jitter at its top)", async () => {
    const { retry, sleeps } = retrier({ random: () => 0.999_999 });
    await expect(retry(flaky(5, overloaded))).resolves.toEqual({ value: "ok", attempts: 6 });
    expect(sleeps).toEqual([100, 200, 400, 800, 1000]);
  });

  it("draws each delay anywhere from zero (full jitter at its bottom)", async () => {
    const { retry, sleeps } = retrier({ random: () => 0 });
    await retry(flaky(2, overloaded));
    expect(sleeps).toEqual([0, 0]);
  });

  it("gives up after `retries` retries with the last failure", async () => {
    const { retry, sleeps } = retrier({ retries: 2 });
    await expect(retry(flaky(10, overloaded))).rejects.toMatchObject({
      code: "ENDPOINT_OVERLOADED",
      details: { attempts: 3 },
    });
    expect(sleeps).toHaveLength(2);
  });

  it("does not retry what another attempt cannot fix", async () => {
    const { retry, sleeps } = retrier();
    await expect(retry(flaky(1, () => new SyntaxError("Unexpected token <")))).rejects.toMatchObject({
      code: "ENDPOINT_BAD_RESPONSE",
    });
    expect(sleeps).toHaveLength(0);
  });

  it("times an attempt out and retries it", async () => {
    const { retry } = retrier({ timeoutMs: 20, retries: 1 });
    let calls = 0;
    const slowThenFast = (signal: AbortSignal) =>
      new Promise<string>((resolve, reject) => {
        calls++;
        if (calls > 1) return resolve("ok");
        signal.addEventListener("abort", () => reject(new Error("aborted, said the fetch")));
      });
    await expect(retry(slowThenFast)).resolves.toEqual({ value: "ok", attempts: 2 });
  });

  it("stops backing off when the caller aborts during the wait", async () => {
    const controller = new AbortController();
    const reason = new Error("document time limit");
    const { retry } = retrier({
      sleep: async () => {
        controller.abort(reason);
      },
    });
    await expect(retry(flaky(3, overloaded), controller.signal)).rejects.toBe(reason);
  });
});
