/**
 * ajv errors turned into short sentences that name the field, for people (bad profiles) and for the
 * model (re-asks quote them). Needs ajv's `verbose` option: messages quote the offending value.
 */
import type { ErrorObject } from "ajv";

const MAX_SHOWN = 40;

/** A value as JSON, cut to a readable length. */
export function show(value: unknown): string {
  const json = value === undefined ? "nothing" : JSON.stringify(value);
  return json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN - 1)}…` : json;
}

const ARTICLE: Record<string, string> = {
  array: "an array",
  object: "an object",
  integer: "an integer",
  string: "a string",
  number: "a number",
  boolean: "true or false",
  null: "null",
};

function propertyNames(schema: unknown): string[] {
  const properties = (schema as { properties?: unknown } | undefined)?.properties;
  return typeof properties === "object" && properties !== null ? Object.keys(properties) : [];
}

/** The part of the sentence after the field's name. */
function predicate(error: ErrorObject): string {
  const got = `(got ${show(error.data)})`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return `has no "${String(params.missingProperty)}" (required)`;
    case "additionalProperties": {
      const allowed = propertyNames(error.parentSchema);
      const hint = allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : "";
      return `has an unknown field "${String(params.additionalProperty)}"${hint}`;
    }
    case "type": {
      const types = String(params.type).split(",");
      return `must be ${types.map((type) => ARTICLE[type] ?? type).join(" or ")} ${got}`;
    }
    case "enum":
      return `must be one of: ${(params.allowedValues as unknown[]).map(show).join(", ")} ${got}`;
    case "const":
      return `must be ${show(params.allowedValue)} ${got}`;
    case "pattern": {
      const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
      const expected = typeof description === "string" ? `: ${description}` : "";
      return `is not in the expected format${expected} ${got}`;
    }
    case "minLength":
      return params.limit === 1
        ? "must not be empty"
        : `must have at least ${String(params.limit)} characters`;
    default:
      return `${error.message ?? "is invalid"} ${got}`;
  }
}

/**
 * One sentence per problem, e.g. `"value" is not in the expected format: ... (got "1784 ou 1785")`.
 * Fields are named by their path below the validated value; `subject` names the value itself.
 * Failed alternatives (anyOf/oneOf) at one place become one sentence joined with "or".
 */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined, subject: string): string[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors ?? [])
    byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  const sentences: string[] = [];
  for (const [path, list] of byPath) {
    const label = path === "" ? subject : `"${path.slice(1)}"`;
    const alternatives = list.some((error) => error.keyword === "anyOf" || error.keyword === "oneOf");
    const parts = [
      ...new Set(
        list.filter((error) => error.keyword !== "anyOf" && error.keyword !== "oneOf").map(predicate),
      ),
    ];
    if (parts.length === 0) sentences.push(`${label} matches none of the allowed forms`);
    else if (alternatives) sentences.push(`${label} ${parts.join(", or ")}`);
    else sentences.push(...parts.map((part) => `${label} ${part}`));
  }
  return sentences;
}
