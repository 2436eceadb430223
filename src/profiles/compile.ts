/**
 * compileProfile: checks a profile (a JSON Schema 2020-12 object with an `x-palimpsest` keyword) and
 * compiles its validators. Every problem found is listed in one INVALID_PROFILE error, so a person can
 * fix a profile in one go.
 */
import type { ErrorObject } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { PalimpsestError } from "../errors.js";
import { describeProblem, jsonSchemaToGbnf, UnsupportedSchemaError } from "../grammar/index.js";
import { verbatimValues } from "../pipeline/ground/pointers.js";
import { describeErrors, show } from "./error-messages.js";
import { linearRegExp } from "./linear-regexp.js";
import { DEFAULT_VERBATIM, METADATA_SCHEMA, type Metadata } from "./metadata.js";
import type { Profile } from "./profile.js";
import { expansionProblem } from "./schema-expansion.js";
import {
  checkSchemaBytes,
  DEFAULT_SCHEMA_LIMITS,
  type SchemaLimits,
  schemaShapeProblem,
} from "./schema-limits.js";
import {
  child,
  isObject,
  isStringSchema,
  itemVariants,
  type JsonObject,
  type Located,
  pointerOf,
  variantTypes,
} from "./schema-nav.js";
import { overlongString } from "./string-cap.js";
import { checkVerbatimPointer } from "./verbatim.js";

const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
/** Key the profile's schema is registered under in its own ajv instance, to compile sub-schemas by pointer. */
const KEY = "palimpsest:profile";
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** An ajv validator without its type guard, which would narrow what failed the check to `never`. */
type Check = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

function invalid(name: string, problems: string[]): PalimpsestError {
  return new PalimpsestError("INVALID_PROFILE", `Profile "${name}" is invalid:\n- ${problems.join("\n- ")}`, {
    details: { profile: name, problems },
  });
}

function fragment(at: readonly string[]): string {
  return pointerOf(at)
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

/**
 * Before anything else meets the schema (a stringify, ajv, the grammar): its nesting and size, then its
 * size with references followed, each check bounded by the limit it enforces.
 */
function checkLimits(name: string, schema: JsonObject, grammar: JsonObject, limits: SchemaLimits): void {
  const shape = schemaShapeProblem(schema, limits);
  if (shape !== undefined) throw invalid(name, [shape]);
  checkSchemaBytes(name, Buffer.byteLength(JSON.stringify(schema)), limits);
  const expansion = expansionProblem(grammar, limits);
  if (expansion !== undefined) throw invalid(name, [expansion]);
}

/** Meta-validates and compiles the schema; throws the problems, since nothing else can be checked without it. */
function compileSchema(name: string, ajv: Ajv2020, schema: JsonObject): Check {
  if (schema.$schema !== undefined && schema.$schema !== DRAFT_2020_12)
    throw invalid(name, [`"$schema" must be "${DRAFT_2020_12}" (got ${show(schema.$schema)})`]);
  if (!ajv.validateSchema(schema))
    throw invalid(
      name,
      describeErrors(ajv.errors, "the schema").map(
        (problem) => `not a valid JSON Schema 2020-12: ${problem}`,
      ),
    );
  try {
    ajv.addSchema(schema, KEY);
    return ajv.getSchema(KEY) as Check;
  } catch (error) {
    throw invalid(name, [`the schema does not compile: ${(error as Error).message}`]);
  }
}

function variantProblems(root: JsonObject, variant: Located): string[] {
  const where = `item schema #${pointerOf(variant.at)}`;
  const problems: string[] = [];
  if (variant.node.type !== "object") problems.push(`${where} must be {"type": "object"}`);
  const required = Array.isArray(variant.node.required) ? variant.node.required : [];
  for (const field of ["type", "text"]) {
    const schema = child(root, variant, "properties", field);
    if (!required.includes(field) || schema === undefined || !isStringSchema(schema.node))
      problems.push(
        `${where} must have a required string property "${field}" (every item needs "type" and "text")`,
      );
  }
  return problems;
}

function structureProblems(root: JsonObject, variants: Located[] | string): string[] {
  const problems: string[] = [];
  if (root.type !== "object")
    problems.push(
      'the top level must be {"type": "object", "properties": {"entities": ...}} (the grammar needs an object)',
    );
  if (!Array.isArray(root.required) || !root.required.includes("entities"))
    problems.push('"entities" must be listed in the top-level "required", or the model may answer {}');
  if (typeof root.title !== "string" || root.title.trim() === "")
    problems.push('add a "title": the short name shown in lists of profiles');
  if (root.description !== undefined && typeof root.description !== "string")
    problems.push('"description" must be a string');
  if (typeof variants === "string") problems.push(variants);
  else for (const variant of variants) problems.push(...variantProblems(root, variant));
  return problems;
}

/** The embedded model decodes with the schema as a grammar: what the converter refuses cannot be generated. */
function grammarProblems(schema: JsonObject): string[] {
  try {
    jsonSchemaToGbnf(schema);
    return [];
  } catch (error) {
    if (!(error instanceof UnsupportedSchemaError)) throw error;
    return error.problems.map((problem) => `the model's grammar cannot honour ${describeProblem(problem)}`);
  }
}

function verbatimProblems(root: JsonObject, variants: Located[], paths: readonly string[]): string[] {
  const problems: string[] = [];
  if (!paths.includes("/text"))
    problems.push(
      'x-palimpsest: "verbatim" must include "/text": every item is located in the document by its text',
    );
  for (const path of paths) {
    const results = variants.map((variant) => checkVerbatimPointer(root, variant, path));
    if (results.every((result) => result === "absent"))
      problems.push(`x-palimpsest: verbatim pointer "${path}" names no field of the item schema`);
    for (const result of new Set(results))
      if (result !== undefined && result !== "absent")
        problems.push(`x-palimpsest: verbatim pointer "${path}" must name a string field: ${result}`);
  }
  return problems;
}

function derivedProblems(
  root: JsonObject,
  variants: Located[],
  derived: Record<string, string>,
  paths: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const [pointer, from] of Object.entries(derived)) {
    if (variants.every((variant) => checkVerbatimPointer(root, variant, pointer) === "absent"))
      problems.push(`x-palimpsest: derived attribute "${pointer}" names no field of the item schema`);
    if (!paths.includes(from))
      problems.push(
        `x-palimpsest: derived attribute "${pointer}" is read off "${from}", which is not one of the verbatim fields`,
      );
  }
  return problems;
}

function exampleProblems(validate: Check, metadata: Metadata, paths: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [index, example] of (metadata.examples ?? []).entries()) {
    const label = `x-palimpsest: example ${index + 1}`;
    if (!validate(example.output)) {
      problems.push(
        ...describeErrors(validate.errors, "the output").map((problem) => `${label}: ${problem}`),
      );
      continue;
    }
    for (const [position, item] of example.output.entities.entries())
      for (const { pointer, value } of verbatimValues(item, paths))
        if (!example.text.includes(value))
          problems.push(
            `${label}: ${show(value)} ("entities/${position}${pointer}") is not in its text; copy mentions exactly, or the model learns to paraphrase`,
          );
  }
  return problems;
}

export function compileProfile(
  name: string,
  schema: unknown,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): Profile {
  if (!NAME.test(name))
    throw invalid(name, [
      'the name must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ]);
  if (!isObject(schema)) throw invalid(name, [`a profile is a JSON Schema object (got ${show(schema)})`]);
  const { "x-palimpsest": rawMetadata, ...grammar } = schema;
  checkLimits(name, schema, grammar, limits);

  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strictTypes: false,
    strictTuples: false,
    code: { regExp: linearRegExp },
  });
  addFormats.default(ajv);
  const validate = compileSchema(name, ajv, grammar);

  const variants = itemVariants(grammar);
  const problems = [...structureProblems(grammar, variants), ...grammarProblems(grammar)];
  const validateMetadata = ajv.compile<Metadata>(METADATA_SCHEMA);
  let metadata: Metadata | undefined;
  if (rawMetadata === undefined)
    problems.push('add "x-palimpsest": {"version": "1.0.0"} (and optionally "verbatim" and "examples")');
  else if (validateMetadata(rawMetadata)) metadata = rawMetadata;
  else
    problems.push(
      ...describeErrors(validateMetadata.errors, "the object").map((problem) => `x-palimpsest: ${problem}`),
    );
  if (problems.length > 0 || metadata === undefined || typeof variants === "string")
    throw invalid(name, problems);

  const verbatimPaths = metadata.verbatim ?? DEFAULT_VERBATIM;
  const derived = metadata.derived ?? {};
  problems.push(...verbatimProblems(grammar, variants, verbatimPaths));
  problems.push(...derivedProblems(grammar, variants, derived, verbatimPaths));
  if (problems.length === 0) problems.push(...exampleProblems(validate, metadata, verbatimPaths));
  if (problems.length > 0) throw invalid(name, problems);

  const types = variants.map((variant) => variantTypes(grammar, variant));
  const itemTypes = types.some((list) => list === undefined)
    ? []
    : [...new Set(types.flatMap((list) => list ?? []))];
  const validateAny = ajv.getSchema(`${KEY}#/properties/entities/items`) as Check;
  const checks = variants.map((variant, index) => ({
    types: types[index],
    validate: ajv.getSchema(`${KEY}#${fragment(variant.at)}`) as Check,
  }));

  const validateItem = (item: unknown): string[] => {
    const overlong = overlongString(item, limits.outputMaxStringLength);
    if (overlong !== undefined) return [overlong];
    if (validateAny(item)) return [];
    if (!isObject(item)) return [`the item must be an object (got ${show(item)})`];
    // Explain with the item schema its `type` selects: the errors of every anyOf branch would bury the real one.
    const candidates = checks.filter(
      (check) => check.types === undefined || check.types.includes(item.type as string),
    );
    if (candidates.length === 0) {
      const expected =
        itemTypes.length === 1 ? show(itemTypes[0]) : `one of: ${itemTypes.map(show).join(", ")}`;
      return [`"type" must be ${expected} (got ${show(item.type)})`];
    }
    let best: string[] | undefined;
    for (const candidate of candidates) {
      if (candidate.validate(item)) continue;
      const errors = describeErrors(candidate.validate.errors, "the item");
      if (best === undefined || errors.length < best.length) best = errors;
    }
    return best ?? describeErrors(validateAny.errors, "the item");
  };

  const examples = metadata.examples ?? [];
  return {
    name,
    title: grammar.title as string,
    description: (grammar.description as string | undefined) ?? "",
    version: metadata.version,
    schema: grammar,
    validateItem,
    verbatimPaths,
    examples,
    exampleMentions: new Set(
      examples.flatMap((example) =>
        example.output.entities.flatMap((item) =>
          verbatimValues(item, verbatimPaths).map(({ value }) => value),
        ),
      ),
    ),
    itemTypes,
    derived,
    ...(metadata.alignment ? { alignment: metadata.alignment } : {}),
  };
}
