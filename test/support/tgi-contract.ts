/**
 * TGI's request contract, as router/src/lib.rs (serde types) and router/src/validation.rs (v3.3.5) enforce it,
 * so a request our adapters build wrong fails here the way it would fail against a real server.
 * Messages are TGI's own wording; checks run in TGI's order.
 */
import { tokenize } from "./tgi-tokenizer.js";

/** A refusal: the HTTP status and JSON body the server answers with. */
export class ContractError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error));
  }
}

export type Grammar =
  | { type: "json"; value: unknown }
  | { type: "regex"; value: string }
  | { type: "json_schema"; value: { schema: unknown; name?: string | null } };

export interface GenerateParameters {
  best_of: number | null;
  temperature: number | null;
  repetition_penalty: number | null;
  frequency_penalty: number | null;
  top_k: number | null;
  top_p: number | null;
  typical_p: number | null;
  do_sample: boolean;
  max_new_tokens: number | null;
  return_full_text: boolean | null;
  stop: string[];
  truncate: number | null;
  watermark: boolean;
  details: boolean;
  decoder_input_details: boolean;
  seed: number | null;
  top_n_tokens: number | null;
  grammar: Grammar | null;
  adapter_id: string | null;
}

export interface GenerateRequest {
  inputs: string;
  parameters: GenerateParameters;
}

export interface Limits {
  maxInputTokens: number;
  maxTotalTokens: number;
  grammarSupport: boolean;
}

/** What validation hands to generation: the prompt's token count and the output budget. */
export interface ValidRequest {
  inputTokens: number;
  maxNewTokens: number;
}

// TGI launcher defaults.
export const MAX_STOP_SEQUENCES = 4;
const MAX_TOP_N_TOKENS = 5;
/** router/src/validation.rs DEFAULT_GENERATION_LENGTH: the chunk the total-tokens check counts. */
const DEFAULT_GENERATION_LENGTH = 1024;

type Kind =
  | "bool"
  | "u32?"
  | "u64?"
  | "i32?"
  | "f32?"
  | "bool?"
  | "string?"
  | "strings"
  | "strings?"
  | "grammar?";

const PARAMETER_KINDS: Record<keyof GenerateParameters, Kind> = {
  best_of: "u64?",
  temperature: "f32?",
  repetition_penalty: "f32?",
  frequency_penalty: "f32?",
  top_k: "i32?",
  top_p: "f32?",
  typical_p: "f32?",
  do_sample: "bool",
  max_new_tokens: "u32?",
  return_full_text: "bool?",
  stop: "strings",
  truncate: "u64?",
  watermark: "bool",
  details: "bool",
  decoder_input_details: "bool",
  seed: "u64?",
  top_n_tokens: "u32?",
  grammar: "grammar?",
  adapter_id: "string?",
};

/** axum's Json extractor turns serde errors into 422; the body shape is the one the brief asks for. */
function deserializeError(detail: string): ContractError {
  return new ContractError(422, {
    error: `Failed to deserialize the JSON body into the target type: ${detail}`,
    error_type: "validation",
  });
}

function validationError(message: string): ContractError {
  return new ContractError(422, { error: `Input validation error: ${message}`, error_type: "validation" });
}

/** serde's description of an unexpected JSON value. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return `boolean \`${value}\``;
  if (typeof value === "number")
    return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  return Array.isArray(value) ? "sequence" : "map";
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function expectInteger(path: string, value: unknown, expected: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value))
    throw deserializeError(`${path}: invalid type: ${describe(value)}, expected ${expected}`);
  if (value < min || value > max)
    throw deserializeError(`${path}: invalid value: ${describe(value)}, expected ${expected}`);
  return value;
}

function expectStrings(path: string, value: unknown): string[] {
  if (!Array.isArray(value))
    throw deserializeError(`${path}: invalid type: ${describe(value)}, expected a sequence`);
  for (const item of value)
    if (typeof item !== "string")
      throw deserializeError(`${path}: invalid type: ${describe(item)}, expected a string`);
  return value;
}

function deserializeGrammar(path: string, value: unknown): Grammar {
  if (!isRecord(value))
    throw deserializeError(`${path}: invalid type: ${describe(value)}, expected internally tagged enum`);
  if (!("type" in value)) throw deserializeError(`${path}: missing field \`type\``);
  if (!("value" in value)) throw deserializeError(`${path}: missing field \`value\``);
  const { type, value: content } = value;
  if (type === "json") return { type, value: content };
  if (type === "regex") {
    if (typeof content !== "string")
      throw deserializeError(`${path}.value: invalid type: ${describe(content)}, expected a string`);
    return { type, value: content };
  }
  if (type === "json_schema") {
    if (!isRecord(content) || !("schema" in content))
      throw deserializeError(`${path}.value: missing field \`schema\``);
    return {
      type,
      value: { schema: content.schema, name: typeof content.name === "string" ? content.name : null },
    };
  }
  throw deserializeError(
    `${path}.type: unknown variant \`${String(type)}\`, expected one of \`json\`, \`regex\`, \`json_schema\``,
  );
}

function deserializeField(path: string, kind: Kind, value: unknown): unknown {
  if (value === null && kind.endsWith("?")) return null;
  switch (kind) {
    case "bool":
    case "bool?":
      if (typeof value !== "boolean")
        throw deserializeError(`${path}: invalid type: ${describe(value)}, expected a boolean`);
      return value;
    case "u32?":
      return expectInteger(path, value, "u32", 0, 2 ** 32 - 1);
    case "u64?":
      return expectInteger(path, value, "u64", 0, Number.MAX_SAFE_INTEGER);
    case "i32?":
      return expectInteger(path, value, "i32", -(2 ** 31), 2 ** 31 - 1);
    case "f32?":
      if (typeof value !== "number")
        throw deserializeError(`${path}: invalid type: ${describe(value)}, expected f32`);
      return value;
    case "string?":
      if (typeof value !== "string")
        throw deserializeError(`${path}: invalid type: ${describe(value)}, expected a string`);
      return value;
    case "strings":
    case "strings?":
      return expectStrings(path, value);
    case "grammar?":
      return deserializeGrammar(path, value);
  }
}

/** Reads the fields a serde struct declares: absent ones take their defaults, unknown ones are ignored. */
function deserializeFields(raw: Record<string, unknown>, kinds: Record<string, Kind>, prefix: string) {
  const fields: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(kinds)) {
    const value = raw[name];
    if (value !== undefined) fields[name] = deserializeField(`${prefix}${name}`, kind, value);
    else fields[name] = kind === "bool" ? false : kind === "strings" ? [] : null;
  }
  return fields;
}

function deserializeParameters(value: unknown): GenerateParameters {
  if (value !== undefined && !isRecord(value))
    throw deserializeError(
      `parameters: invalid type: ${describe(value)}, expected struct GenerateParameters`,
    );
  return deserializeFields(value ?? {}, PARAMETER_KINDS, "parameters.") as unknown as GenerateParameters;
}

/** POST /generate, POST / and POST /tokenize bodies. */
export function deserializeGenerateRequest(body: unknown): GenerateRequest {
  if (!isRecord(body))
    throw deserializeError(`invalid type: ${describe(body)}, expected struct GenerateRequest`);
  if (!("inputs" in body)) throw deserializeError("missing field `inputs`");
  if (typeof body.inputs !== "string")
    throw deserializeError(`inputs: invalid type: ${describe(body.inputs)}, expected a string`);
  return { inputs: body.inputs, parameters: deserializeParameters(body.parameters) };
}

function validateGrammar(grammar: Grammar, limits: Limits): void {
  if (!limits.grammarSupport) throw validationError("grammar is not supported");
  if (grammar.type === "regex") return;
  let schema = grammar.type === "json_schema" ? grammar.value.schema : grammar.value;
  if (typeof schema === "string") {
    try {
      schema = JSON.parse(schema);
    } catch (error) {
      throw validationError(`grammar is not valid: ${(error as Error).message}`);
    }
  } else if (!isRecord(schema)) {
    // TGI answers a json grammar whose value is neither an object nor a string with this very error.
    throw validationError("grammar is not supported");
  }
  if (!isRecord(schema) || !("properties" in schema))
    throw validationError("grammar is not valid: Grammar must have a 'properties' field");
}

/** Validation::validate, in TGI's order. */
export function validateGenerateRequest(request: GenerateRequest, limits: Limits): ValidRequest {
  const p = request.parameters;
  const sampling =
    p.do_sample || p.temperature !== null || p.top_k !== null || p.top_p !== null || p.typical_p !== null;
  const bestOf = p.best_of ?? 1;
  if (bestOf > 1 && !sampling) throw validationError("you must use sampling when `best_of` is > 1");
  if ((p.temperature ?? 1) <= 0) throw validationError("`temperature` must be strictly positive");
  if ((p.repetition_penalty ?? 1) <= 0)
    throw validationError("`repetition_penalty` must be strictly positive");
  const frequencyPenalty = p.frequency_penalty ?? 0;
  if (frequencyPenalty < -2 || frequencyPenalty > 2)
    throw validationError("`frequency_penalty` must be >= -2.0 and <= 2.0");
  if (p.top_p !== null && (p.top_p <= 0 || p.top_p >= 1))
    throw validationError("`top_p` must be > 0.0 and < 1.0");
  if (p.typical_p !== null && (p.typical_p <= 0 || p.typical_p >= 1))
    throw validationError("`typical_p` must be > 0.0 and < 1.0");
  if (p.top_k !== null && p.top_k <= 0) throw validationError("`top_k` must be strictly positive");
  if (p.max_new_tokens === 0) throw validationError("`max_new_tokens` must be strictly positive");
  if (p.stop.length > MAX_STOP_SEQUENCES)
    throw validationError(
      `\`stop\` supports up to ${MAX_STOP_SEQUENCES} stop sequences. Given: ${p.stop.length}`,
    );
  if (p.seed !== null && bestOf > 1) throw validationError("`seed` must not be set when `best_of` > 1");
  if (p.top_n_tokens !== null && p.top_n_tokens > MAX_TOP_N_TOKENS)
    throw validationError(
      `\`top_n_tokens\` must be >= 0 and <= ${MAX_TOP_N_TOKENS}. Given: ${p.top_n_tokens}`,
    );
  if (request.inputs === "") throw validationError("`inputs` cannot be empty");
  if (p.truncate !== null && (p.truncate === 0 || p.truncate > limits.maxInputTokens))
    throw validationError(
      `\`truncate\` must be strictly positive and less than ${limits.maxInputTokens}. Given: ${p.truncate}`,
    );

  const tokens = tokenize(request.inputs).length;
  const inputTokens = p.truncate === null ? tokens : Math.min(tokens, p.truncate);
  const maxNewTokens = p.max_new_tokens ?? Math.max(0, limits.maxTotalTokens - inputTokens);
  const chunk = Math.min(maxNewTokens, DEFAULT_GENERATION_LENGTH);
  if (inputTokens + chunk > limits.maxTotalTokens)
    throw validationError(
      `\`inputs\` tokens + \`max_new_tokens\` must be <= ${limits.maxTotalTokens}. Given: ${inputTokens} \`inputs\` tokens and ${chunk} \`max_new_tokens\``,
    );
  if (inputTokens > limits.maxInputTokens)
    throw validationError(
      `\`inputs\` must have less than ${limits.maxInputTokens} tokens. Given: ${inputTokens}`,
    );
  if (p.grammar !== null) validateGrammar(p.grammar, limits);
  return { inputTokens, maxNewTokens };
}

const COMPLETION_KINDS: Record<string, Kind> = {
  model: "string?",
  max_tokens: "u32?",
  temperature: "f32?",
  top_p: "f32?",
  seed: "u64?",
  suffix: "string?",
  repetition_penalty: "f32?",
  frequency_penalty: "f32?",
  stop: "strings?",
};

/** TGI's CompletionRequest (POST /v1/completions), turned into the GenerateRequest TGI builds from it. */
export function completionToGenerateRequest(body: unknown): GenerateRequest {
  if (!isRecord(body))
    throw deserializeError(`invalid type: ${describe(body)}, expected struct CompletionRequest`);
  if (!("prompt" in body)) throw deserializeError("missing field `prompt`");
  // TGI accepts a list of prompts too; the stand-in serves one, which is all our adapters send.
  if (typeof body.prompt !== "string")
    throw deserializeError(`prompt: invalid type: ${describe(body.prompt)}, expected a string`);
  // Unknown fields (grammar, guided_json, json_schema...) are ignored: TGI's /v1/completions has no grammar.
  const request = deserializeFields(body, COMPLETION_KINDS, "");
  if (request.suffix !== null)
    throw new ContractError(422, {
      error: "Suffix is not supported and can be achieved by preprocessing the prompt.",
      error_type: "suffix not supported",
    });
  // router/src/server.rs: temperature 0 means greedy; anything else, even none, samples.
  const temperature = request.temperature as number | null;
  const parameters = deserializeParameters({
    max_new_tokens: request.max_tokens,
    stop: request.stop ?? [],
    do_sample: temperature !== 0,
    temperature: temperature === 0 ? null : temperature,
    top_p: request.top_p,
    seed: request.seed,
    repetition_penalty: request.repetition_penalty,
    frequency_penalty: request.frequency_penalty,
    details: true,
  });
  return { inputs: body.prompt, parameters };
}
