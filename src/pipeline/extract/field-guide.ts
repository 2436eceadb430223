/**
 * The profile's item fields as a few prompt lines, made from the schema's descriptions and allowed
 * values: the fields every item has first, then, per item type, the fields of that type only.
 */
import type { Profile } from "../../profiles/profile.js";
import {
  allowedValues,
  type Field,
  itemVariants,
  variantFields,
  variantTypes,
} from "../../profiles/schema-nav.js";

/** Allowed values then description, e.g. "city|country|other" or "true|false; false for a natural child". */
function detail(field: Field): string {
  const values = field.schema.type === "boolean" ? [true, false] : allowedValues(field.schema);
  return [values?.map(String).join("|"), field.description].filter(Boolean).join("; ");
}

export function fieldGuide(profile: Profile): string[] {
  const variants = itemVariants(profile.schema);
  if (typeof variants === "string") return []; // compileProfile has rejected such schemas
  const fields = variants.map((variant) => variantFields(profile.schema, variant));
  const common = (fields[0] ?? [])
    .map((field) => field.name)
    .filter((name) => fields.every((list) => list.some((field) => field.name === name)));

  const lines = common.map((name) => {
    if (name === "type" && profile.itemTypes.length > 0) return `- type: ${profile.itemTypes.join("|")}`;
    const field = fields[0]?.find((candidate) => candidate.name === name) as Field;
    const text = detail(field);
    return text ? `- ${name}: ${text}` : `- ${name}`;
  });
  for (const [index, variant] of variants.entries()) {
    const own = (fields[index] ?? []).filter((field) => !common.includes(field.name));
    if (own.length === 0) continue;
    const label = variantTypes(profile.schema, variant)?.join("|") ?? variant.at.at(-1);
    const described = own.map((field) => (detail(field) ? `${field.name} (${detail(field)})` : field.name));
    lines.push(`- ${label}: ${described.join(", ")}`);
  }
  return lines;
}
