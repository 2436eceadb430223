import { InferenceClientProviderApiError, InferenceClientProviderOutputError } from "@huggingface/inference";
import { describe, expect, it } from "vitest";
import { toEndpointError } from "../../src/endpoint/errors.js";

const WHERE = "http://tgi:8080";

function http(status: number, body: string | Record<string, unknown>) {
  return new InferenceClientProviderApiError(
    "Failed to perform inference",
    { url: WHERE, method: "POST" },
    { requestId: "", status, body: body as never },
  );
}

describe("toEndpointError", () => {
  it.each([
    [
      "TGI input length",
      http(422, {
        error: "Input validation error: `inputs` must have less than 1024 tokens. Given: 1500",
        error_type: "validation",
      }),
      { maxInputTokens: 1024, given: 1500 },
    ],
    [
      "TGI total tokens",
      http(422, {
        error:
          "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 2048. Given: 1800 `inputs` tokens and 512 `max_new_tokens`",
        error_type: "validation",
      }),
      { maxTotalTokens: 2048, given: 1800, maxNewTokens: 512 },
    ],
    [
      "vLLM context length",
      http(400, {
        error: {
          message:
            "This model's maximum context length is 2048 tokens. However, you requested 2100 tokens (1600 in the messages, 500 in the completion).",
          type: "BadRequestError",
          code: 400,
        },
      }),
      { maxTotalTokens: 2048, given: 2100 },
    ],
    [
      "llama.cpp context size",
      http(400, {
        error: {
          code: 400,
          message: "the request exceeds the available context size, try increasing it",
          type: "exceed_context_size_error",
          n_prompt_tokens: 2300,
          n_ctx: 2048,
        },
      }),
      { maxTotalTokens: 2048, given: 2300 },
    ],
  ])("reads the limits out of %s refusals", (_, error, limits) => {
    const mapped = toEndpointError(error, WHERE, 1);
    expect(mapped.code).toBe("INPUT_TOO_LONG");
    expect(mapped.details).toMatchObject(limits);
  });

  it.each([
    [429, "ENDPOINT_OVERLOADED"],
    [503, "ENDPOINT_OVERLOADED"],
    [424, "ENDPOINT_FAILED"],
    [500, "ENDPOINT_FAILED"],
    [502, "ENDPOINT_FAILED"],
    [504, "ENDPOINT_FAILED"],
    [400, "ENDPOINT_REJECTED"],
    [404, "ENDPOINT_REJECTED"],
    [422, "ENDPOINT_REJECTED"],
  ])("maps HTTP %i to %s", (status, code) => {
    expect(toEndpointError(http(status, { error: "no" }), WHERE, 3).code).toBe(code);
  });

  it("keeps the hosted API's estimated_time as a retry hint", () => {
    const mapped = toEndpointError(
      http(503, { error: "Model is currently loading", estimated_time: 12.5 }),
      WHERE,
      1,
    );
    expect(mapped.details).toMatchObject({ retryAfterMs: 12_500, upstreamStatus: 503 });
  });

  it("points at HF_TOKEN on 401", () => {
    expect(toEndpointError(http(401, "Unauthorized"), WHERE, 1).message).toContain("HF_TOKEN");
  });

  it("maps network failures, timeouts and non-protocol answers", () => {
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    expect(toEndpointError(refused, WHERE, 2)).toMatchObject({
      code: "ENDPOINT_UNREACHABLE",
      details: { attempts: 2 },
    });
    expect(toEndpointError(new DOMException("timed out", "TimeoutError"), WHERE, 1).code).toBe(
      "ENDPOINT_TIMEOUT",
    );
    expect(toEndpointError(new SyntaxError("Unexpected token <"), WHERE, 1).code).toBe(
      "ENDPOINT_BAD_RESPONSE",
    );
    expect(toEndpointError(new InferenceClientProviderOutputError("malformed"), WHERE, 1).code).toBe(
      "ENDPOINT_BAD_RESPONSE",
    );
  });
});
