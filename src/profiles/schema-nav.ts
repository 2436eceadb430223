/**
 * Reading a profile's JSON Schema as data: following local `$ref`s, finding the item schemas
 * ("variants": one object schema, or the branches of an anyOf/oneOf) and their fields.
 * Locations are JSON Pointer segment lists, so they can be turned into ajv schema ids and messages.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface Located {
  node: JsonObject;
  at: string[];
}

/** "#/$defs/a~1b" -> ["$defs", "a/b"]; undefined for anything but a local reference. */
function localRefSegments(ref: string): string[] | undefined {
  if (ref === "#") return [];
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((segment) => decodeURIComponent(segment).replaceAll("~1", "/").replaceAll("~0", "~"));
}

export function pointerOf(at: readonly string[]): string {
  return at.map((segment) => `/${segment.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

function descend(value: unknown, keys: readonly string[]): unknown {
  let node = value;
  for (const key of keys)
    node = isObject(node) || Array.isArray(node) ? (node as JsonObject)[key] : undefined;
  return node;
}

/** Follows `$ref` chains (local ones only); undefined when a reference leads outside the document or loops. */
function resolve(root: JsonObject, located: Located): Located | undefined {
  let current = located;
  const seen = new Set<string>();
  while (typeof current.node.$ref === "string") {
    const segments = localRefSegments(current.node.$ref);
    if (segments === undefined || seen.has(current.node.$ref)) return undefined;
    seen.add(current.node.$ref);
    const target = descend(root, segments);
    if (!isObject(target)) return undefined;
    current = { node: target, at: segments };
  }
  return current;
}

/** The schema at `path` below `parent` (e.g. "properties", "text"), its $refs followed. */
export function child(root: JsonObject, parent: Located, ...path: string[]): Located | undefined {
  const node = descend(parent.node, path);
  return isObject(node) ? resolve(root, { node, at: [...parent.at, ...path] }) : undefined;
}

/** The values a schema allows when it lists them (const or enum), else undefined. */
export function allowedValues(schema: JsonObject): unknown[] | undefined {
  if ("const" in schema) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : undefined;
}

export function isStringSchema(schema: JsonObject): boolean {
  const values = allowedValues(schema);
  if (values !== undefined) return values.length > 0 && values.every((value) => typeof value === "string");
  return schema.type === "string";
}

/** The item schema(s) of `properties.entities.items`; a string explains why they cannot be found. */
export function itemVariants(root: JsonObject): Located[] | string {
  const entities = child(root, { node: root, at: [] }, "properties", "entities");
  if (entities === undefined || entities.node.type !== "array")
    return 'the top level must have a property "entities" of {"type": "array"}';
  const items = child(root, entities, "items");
  if (items === undefined)
    return '"entities" must have an "items" schema (an object schema, with local $refs only)';
  const branches = items.node.anyOf ?? items.node.oneOf;
  if (branches === undefined) return [items];
  if (!Array.isArray(branches)) return `${pointerOf(items.at)}: anyOf/oneOf must be a list`;
  const keyword = items.node.anyOf === undefined ? "oneOf" : "anyOf";
  const variants: Located[] = [];
  for (const index of branches.keys()) {
    const branch = child(root, items, keyword, String(index));
    if (branch === undefined)
      return `${pointerOf([...items.at, keyword, String(index)])}: each branch must be an object schema (with local $refs only)`;
    variants.push(branch);
  }
  return variants;
}

/** The values of the item's `type` field in this variant, or undefined when it is a free string. */
export function variantTypes(root: JsonObject, variant: Located): string[] | undefined {
  const type = child(root, variant, "properties", "type");
  const values = type === undefined ? undefined : allowedValues(type.node);
  return values?.filter((value): value is string => typeof value === "string");
}

export interface Field {
  name: string;
  schema: JsonObject;
  description: string | undefined;
}

/** The declared properties of a variant, in order; a property's own description wins over its $ref target's. */
export function variantFields(root: JsonObject, variant: Located): Field[] {
  const properties = variant.node.properties;
  if (!isObject(properties)) return [];
  const fields: Field[] = [];
  for (const [name, raw] of Object.entries(properties)) {
    const resolved = child(root, variant, "properties", name);
    if (!isObject(raw) || resolved === undefined) continue;
    const description = [raw.description, resolved.node.description].find((text) => typeof text === "string");
    fields.push({ name, schema: resolved.node, description: description as string | undefined });
  }
  return fields;
}
