/** Test helpers: a schema's grammar as a predicate on strings, and the problems a refused schema has. */
import { jsonSchemaToGbnf, type SchemaProblem, UnsupportedSchemaError } from "../../src/grammar/index.js";
import { gbnfMatches, parseGbnf } from "./gbnf-match.js";

/** Whether the grammar of `schema` accepts a text. */
export function languageOf(schema: object): (text: string) => boolean {
  const grammar = parseGbnf(jsonSchemaToGbnf(schema));
  return (text) => gbnfMatches(grammar, text);
}

/** The problems `jsonSchemaToGbnf` throws for `schema`; fails when it converts it. */
export function refusalOf(schema: object): SchemaProblem[] {
  try {
    jsonSchemaToGbnf(schema);
  } catch (error) {
    if (error instanceof UnsupportedSchemaError) return [...error.problems];
    throw error;
  }
  throw new Error(`the schema was converted: ${JSON.stringify(schema)}`);
}
