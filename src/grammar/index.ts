/**
 * JSON Schema to GBNF for the embedded model: the grammar llama.cpp decodes with, so that what the
 * model writes is compact JSON the profile's schema accepts.
 */
export { jsonSchemaToGbnf } from "./convert.js";
export { describeProblem, type SchemaProblem, UnsupportedSchemaError } from "./problems.js";
