/** How the converter treats each JSON Schema 2020-12 keyword it does not generate from directly. */

/** Annotations and containers of definitions: they do not constrain values (x-* vendor keywords too). */
const ANNOTATIONS: ReadonlySet<string> = new Set([
  "$schema",
  "$anchor",
  "$comment",
  "$defs",
  "definitions",
  "title",
  "description",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "contentEncoding",
  "contentMediaType",
  "contentSchema",
]);

export function isAnnotation(keyword: string): boolean {
  return ANNOTATIONS.has(keyword) || keyword.startsWith("x-");
}

const CONDITIONAL = "conditional schemas cannot be generated: write the cases as anyOf branches";
const COUNTED = "counting matching items cannot be enforced while generating";
const DEPENDENCIES = "dependencies between properties are not generated: use anyOf branches";
const DYNAMIC = "dynamic references are not followed";

/** Keywords a grammar cannot enforce, with what to write instead (a Map: "then" is one of them). */
export const REFUSED: ReadonlyMap<string, string> = new Map([
  ["not", "a value that does not match a schema cannot be generated"],
  ["if", CONDITIONAL],
  ["then", CONDITIONAL],
  ["else", CONDITIONAL],
  ["prefixItems", "tuples are not generated: use items"],
  ["contains", COUNTED],
  ["minContains", COUNTED],
  ["maxContains", COUNTED],
  ["patternProperties", "properties matched by name patterns are not generated: declare them in properties"],
  ["propertyNames", "property names are not generated: declare the properties in properties"],
  ["dependentRequired", DEPENDENCIES],
  ["dependentSchemas", DEPENDENCIES],
  ["dependencies", DEPENDENCIES],
  ["minProperties", "a number of properties is not enforced: use required"],
  ["maxProperties", "a number of properties is not enforced: list the allowed properties"],
  ["multipleOf", "multiples are not enforced while generating"],
  ["additionalItems", "not a JSON Schema 2020-12 keyword: use items"],
  ["$dynamicRef", DYNAMIC],
  ["$dynamicAnchor", DYNAMIC],
  ["$recursiveRef", DYNAMIC],
  ["$recursiveAnchor", DYNAMIC],
]);
