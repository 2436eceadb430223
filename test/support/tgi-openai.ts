/**
 * The OpenAI-compatible side of the test server in `openaiOnly` mode: what vLLM's (and, for
 * `json_schema`, llama.cpp's) `/v1/completions` and `/v1/models` accept and answer.
 */
import { ContractError, isRecord } from "./tgi-contract.js";
import { decode } from "./tgi-generation.js";
import { tokenize } from "./tgi-tokenizer.js";

export interface OpenAiModel {
  modelId: string;
  maxTotalTokens: number;
}

/** vLLM's ErrorResponse: `{ error: { message, type, param, code } }`. */
function openAiError(code: 400 | 404, message: string, param: string | null = null): ContractError {
  const type = code === 404 ? "NotFoundError" : "BadRequestError";
  return new ContractError(code, { error: { message, type, param, code } });
}

function check(condition: boolean, param: string, message: string): void {
  if (!condition) throw openAiError(400, message, param);
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

/** vLLM's ModelList, including the context length it serves the model with. */
export function modelList({ modelId, maxTotalTokens }: OpenAiModel): Record<string, unknown> {
  return {
    object: "list",
    data: [
      {
        id: modelId,
        object: "model",
        created: 0,
        owned_by: "vllm",
        root: modelId,
        parent: null,
        max_model_len: maxTotalTokens,
        permission: [],
      },
    ],
  };
}

/** Checks a completion request like vLLM, then lets `output` be "generated". */
export function complete(body: unknown, model: OpenAiModel, output: (prompt: string) => string) {
  if (!isRecord(body)) throw openAiError(400, "Input should be a valid dictionary");
  const { prompt, max_tokens, temperature, stop, guided_json, json_schema } = body;
  if (body.model !== undefined && body.model !== null && body.model !== model.modelId)
    throw openAiError(404, `The model \`${String(body.model)}\` does not exist.`, "model");
  if (typeof prompt !== "string") throw openAiError(400, "prompt must be a string", "prompt");
  check(
    max_tokens === undefined ||
      max_tokens === null ||
      (Number.isInteger(max_tokens) && (max_tokens as number) >= 1),
    "max_tokens",
    "max_tokens must be at least 1",
  );
  check(
    temperature === undefined ||
      temperature === null ||
      (typeof temperature === "number" && temperature >= 0),
    "temperature",
    "temperature must be a non-negative number",
  );
  check(
    stop === undefined || stop === null || typeof stop === "string" || isStringArray(stop),
    "stop",
    "stop must be a string or a list of strings",
  );
  check(
    guided_json === undefined ||
      guided_json === null ||
      typeof guided_json === "string" ||
      isRecord(guided_json),
    "guided_json",
    "guided_json must be a JSON schema (object or string)",
  );
  check(
    json_schema === undefined || json_schema === null || isRecord(json_schema),
    "json_schema",
    "json_schema must be an object",
  );

  const promptTokens = tokenize(prompt).length;
  const maxTokens = (max_tokens as number | null | undefined) ?? model.maxTotalTokens - promptTokens;
  if (promptTokens + maxTokens > model.maxTotalTokens)
    throw openAiError(
      400,
      `This model's maximum context length is ${model.maxTotalTokens} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
    );
  const stops = typeof stop === "string" ? [stop] : isStringArray(stop) ? stop : [];
  const generation = decode(output(prompt), maxTokens, stops);
  const stopString = stops.find((sequence) => generation.text.endsWith(sequence));
  return {
    id: "cmpl-test",
    object: "text_completion",
    created: Math.floor(Date.now() / 1000),
    model: model.modelId,
    choices: [
      {
        index: 0,
        // vLLM leaves the stop string out of the text unless include_stop_str_in_output is set.
        text:
          generation.finishReason === "stop_sequence" && stopString !== undefined
            ? generation.text.slice(0, -stopString.length)
            : generation.text,
        logprobs: null,
        finish_reason: generation.finishReason === "length" ? "length" : "stop",
        stop_reason: generation.finishReason === "stop_sequence" ? (stopString ?? null) : null,
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: generation.tokens.length,
      total_tokens: promptTokens + generation.tokens.length,
    },
  };
}
