/**
 * The API's contract: the shared shapes of src/schemas registered for the routes to `$ref`, and the
 * OpenAPI description made from the route schemas, served at /docs (Swagger UI) and /docs/json, with
 * every route's error responses: its own and those the app's plugins can answer.
 */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifySchema, FastifySerializerCompiler, RouteOptions } from "fastify";
import { type Access, ROLES } from "../auth/roles.js";
import { SESSION_COOKIE } from "../auth/sessions.js";
import type { ErrorCode } from "../errors.js";
import { errorResponses } from "../schemas/error.js";
import { SHARED_SCHEMAS } from "../schemas/index.js";
import { relaxStyles } from "./plugins/security-headers.js";

declare module "fastify" {
  interface FastifySchema {
    /** The catalogue's codes this route answers besides those every route of its kind can (impliedErrors). */
    errorCodes?: readonly ErrorCode[];
    /**
     * Request bodies the handler reads itself, as a stream (multipart, raw files), by media type: shown
     * in the OpenAPI description, never validated by fastify (it never parses them into `request.body`).
     */
    documentedBody?: Record<string, { schema: unknown }>;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The serialiser of the routes that answer Extractions and their mentions: JSON.stringify, their schemas
 * kept for validation and the OpenAPI description. fast-json-stringify passes their open parts (a
 * mention's attributes, the model's rejected items) to JSON.stringify anyway and chooses a page's reading
 * among three shapes, which leaves it 10-90% slower on a 900-mention result (bench/api-serialization.ts).
 */
export const plainJson: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);

export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Palimpsest",
        version,
        description:
          "Schema-valid, source-grounded entities from historical documents, extracted with BLOOM. Every error is `{ error: { code, message, retryable } }` with a stable code (the Error schema).",
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: "http",
            scheme: "bearer",
            description:
              "An API key (`palimpsest keys create`), as Authorization: Bearer <key>. Not asked for in open mode (no key created, bound to loopback).",
          },
          session: {
            type: "apiKey",
            in: "cookie",
            name: SESSION_COOKIE,
            description: "The review page's session, set by POST /v1/session.",
          },
        },
      },
    },
    // Components are named by their $id (Extraction, Job...), not def-0, def-1...
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    // Routes without a schema (or hidden) are left as they are: they are not described.
    transform: ({ schema, url, route }) => ({
      schema:
        schema && !schema.hide
          ? withDefaultsSaid(withDocumentedBody(withErrorResponses(schema, route)))
          : schema,
      url,
    }),
    transformObject: (document) =>
      "openapiObject" in document
        ? (draft4Bounds(document.openapiObject) as typeof document.openapiObject)
        : document.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: "/docs", transformStaticCSP: relaxStyles });
}

/**
 * The error responses a route can answer, one per status: its own `errorCodes` and those that come with
 * its kind (impliedErrors); and the security a /v1 route asks for. For the description only: fastify
 * serialises errors with JSON.stringify, as compiling a serialiser for each status of each route would
 * add about 0.3 s to every start for bodies of a few fields whose details (limit, quota, job...) vary by
 * code anyway; the contract test checks real error bodies against the Error schema.
 */
function withErrorResponses(schema: FastifySchema, route: RouteOptions): FastifySchema {
  const access = route.config?.access;
  const errors = errorResponses(new Set([...impliedErrors(route, access), ...(schema.errorCodes ?? [])]));
  return {
    ...schema,
    response: { ...errors, ...(schema.response as object | undefined) },
    ...(access === undefined || access === "public" ? {} : { security: [{ apiKey: [] }, { session: [] }] }),
  };
}

/** The errors the app's plugins answer on a route, whatever its handler does (see app.ts). */
function impliedErrors(route: RouteOptions, access: Access | undefined): ErrorCode[] {
  const { schema = {}, config } = route;
  const codes: ErrorCode[] = ["HOST_NOT_ALLOWED", "INTERNAL"];
  const body = schema.body !== undefined || schema.documentedBody !== undefined;
  if (schema.params || schema.querystring || body) codes.push("BAD_REQUEST");
  if (body) codes.push("BODY_TIMEOUT", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE");
  if (config?.upload) codes.push("UPLOADS_BUSY");
  if (access !== undefined) {
    // A bad key is refused even where none is needed; everything under /v1 reads keys from the store.
    codes.push("UNAUTHORIZED", "RATE_LIMITED", "STORE_UNAVAILABLE");
    if (access !== "public" && ROLES.indexOf(access) > 0) codes.push("FORBIDDEN");
    const methods = [route.method].flat();
    if (methods.some((method) => !SAFE_METHODS.has(method))) codes.push("CSRF_REJECTED");
  }
  return codes;
}

/** The request body as OpenAPI shows it: the validated media types and those read as streams. */
function withDocumentedBody(schema: FastifySchema): FastifySchema {
  if (!schema.documentedBody) return schema;
  const { documentedBody, body, ...rest } = schema;
  const validated = (body as { content?: object } | undefined)?.content ?? {};
  // Multipart first: Swagger UI offers the first media type, and a file input is what a person wants.
  const { "multipart/form-data": multipart, ...raw } = documentedBody;
  return {
    ...rest,
    body: { content: { ...(multipart ? { "multipart/form-data": multipart } : {}), ...validated, ...raw } },
  };
}

/**
 * Query options with a default, for OpenAPI: optional, the default said in words rather than as
 * `default`, which generated clients (openapi-typescript) take to mean the option must be sent. Fastify
 * still applies it, so the handlers always have a value.
 */
function withDefaultsSaid(schema: FastifySchema): FastifySchema {
  const query = schema.querystring as
    | { properties?: Record<string, Record<string, unknown>>; required?: string[] }
    | undefined;
  if (!query?.properties) return schema;
  const defaulted: string[] = [];
  const properties = Object.fromEntries(
    Object.entries(query.properties).map(([name, property]) => {
      if (!("default" in property)) return [name, property];
      defaulted.push(name);
      const { default: value, ...rest } = property;
      const said = `Default: ${JSON.stringify(value)}.`;
      return [name, { ...rest, description: rest.description ? `${rest.description} ${said}` : said }];
    }),
  );
  const required = query.required?.filter((name) => !defaulted.includes(name));
  return { ...schema, querystring: { ...query, properties, ...(required ? { required } : {}) } };
}

/**
 * OpenAPI 3.0 reads schemas as JSON Schema draft 4, where `exclusiveMaximum` is a flag beside `maximum`;
 * fastify's validator (ajv, draft 7) wants the bound itself. The document says the same bound the 3.0
 * way, so that validators and client generators read it.
 */
function draft4Bounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(draft4Bounds);
  if (value === null || typeof value !== "object") return value;
  const schema = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, draft4Bounds(inner)]));
  for (const [exclusive, bound] of [
    ["exclusiveMaximum", "maximum"],
    ["exclusiveMinimum", "minimum"],
  ] as const)
    if (typeof schema[exclusive] === "number") {
      schema[bound] = schema[exclusive];
      schema[exclusive] = true;
    }
  return schema;
}
