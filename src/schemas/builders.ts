/**
 * Small builders over TypeBox for the API's shapes, written so that fastify's serialiser, ajv and
 * OpenAPI 3.0 all read them plainly: a fixed set of strings is one `enum` (a union of literals would be
 * an anyOf, slow to serialise and clumsy in generated clients), and a shared shape is a `$ref` to its
 * component, typed as its target.
 */
import { type Static, type TSchema, type TSchemaOptions, Type } from "typebox";

export function stringEnum<const Values extends readonly string[]>(
  values: Values,
  options: TSchemaOptions = {},
) {
  return Type.Unsafe<Values[number]>({ type: "string", enum: [...values], ...options });
}

/** A `$ref` to a shared schema (registered with app.addSchema; an OpenAPI component), typed as it. */
export function refTo<Target extends TSchema>(target: Target, options?: TSchemaOptions) {
  const id = (target as { $id?: unknown }).$id;
  if (typeof id !== "string") throw new Error("Only a schema with an $id is shared (see schemas/index.ts).");
  return Type.Unsafe<Static<Target>>(Type.Ref(id, options));
}

/** An instant as the API writes it: ISO 8601 in UTC (Date.toISOString()). */
export const dateTime = (description?: string) =>
  Type.String({ format: "date-time", ...(description ? { description } : {}) });

/** A count or an offset: a whole number, never negative. */
export const count = (description?: string) =>
  Type.Integer({ minimum: 0, ...(description ? { description } : {}) });

/** A URL path of this service, for a client to follow. */
export const link = (description?: string) => Type.String(description ? { description } : {});

/**
 * A body the handler sends as a stream or a Buffer (an event stream, an export, an image): described
 * as the string it is on the wire, typed loosely so that a handler may send a stream.
 */
export const streamed = (description: string, format?: "binary") =>
  Type.Unsafe<unknown>(Type.String({ description, ...(format ? { format } : {}) }));

/** A response without a body (204, 304). */
export const noContent = (description: string) => Type.Unsafe<undefined>({ type: "null", description });
