/**
 * The attributes a profile gives each item type, read from its JSON Schema: every property of the
 * type's item schema apart from `type` and the verbatim `text`, with its choices where the schema
 * lists them (an enum) and its description. The correction form offers exactly these.
 */
export interface AttributeField {
  name: string;
  description?: string;
  /** The values allowed, when the schema lists them. */
  choices?: string[];
}

type Schema = Record<string, unknown>;

const asSchema = (value: unknown): Schema | undefined =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Schema) : undefined;

/** The item schemas of a profile, wherever its `$defs` keeps them. */
function itemSchemas(schema: Schema): Schema[] {
  const definitions = asSchema(schema.$defs) ?? {};
  return Object.values(definitions).flatMap((definition) => {
    const item = asSchema(definition);
    return item && asSchema(item.properties)?.type ? [item] : [];
  });
}

/** The item schema whose `type` is this type (a const or a one-value enum). */
function schemaOfType(schema: Schema, type: string): Schema | undefined {
  return itemSchemas(schema).find((item) => {
    const typeProperty = asSchema(asSchema(item.properties)?.type) ?? {};
    return (
      typeProperty.const === type || (Array.isArray(typeProperty.enum) && typeProperty.enum.includes(type))
    );
  });
}

export function attributeFields(schema: Schema, type: string): AttributeField[] {
  const properties = asSchema(schemaOfType(schema, type)?.properties) ?? {};
  return Object.entries(properties)
    .filter(([name]) => name !== "type" && name !== "text")
    .map(([name, value]) => {
      const property = asSchema(value) ?? {};
      const choices = Array.isArray(property.enum) ? property.enum.map(String) : undefined;
      const description = typeof property.description === "string" ? property.description : undefined;
      return { name, ...(description ? { description } : {}), ...(choices ? { choices } : {}) };
    });
}
