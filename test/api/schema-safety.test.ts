/**
 * A custom schema cannot take the service down: a pattern that backtracks catastrophically runs in
 * linear time (in the profile's examples and on the model's answers) while /health keeps answering,
 * and schemas too deep, too large or too big in bytes are refused at once with the catalogue's code.
 * With a backtracking engine the first tests never end (vitest's timeout fails them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";

const EVIL = `${"a".repeat(40)}!`;
const TEXT = `Registre ${EVIL} du greffe.`;

let harness: Harness;
beforeAll(async () => {
  // A model that echoes what the document says, as a prompt injection would make it.
  harness = await startHarness({
    server: { respond: () => JSON.stringify({ entities: [{ type: "code", text: EVIL, code: EVIL }] }) },
  });
});
afterAll(async () => harness.close());

function profile(code: object, examples: { text: string; code: string }[] = []) {
  return {
    title: "Codes",
    type: "object",
    required: ["entities"],
    properties: {
      entities: {
        type: "array",
        items: {
          type: "object",
          required: ["type", "text"],
          properties: { type: { const: "code" }, text: { type: "string" }, code },
        },
      },
    },
    "x-palimpsest": {
      version: "1.0.0",
      examples: examples.map((example) => ({
        text: example.text,
        output: { entities: [{ type: "code", ...example }] },
      })),
    },
  };
}

async function extract(schema: unknown) {
  const response = await harness.app.inject({
    method: "POST",
    url: "/v1/extract",
    payload: { text: TEXT, schema },
  });
  return { status: response.statusCode, body: response.json() };
}

async function health(times: number) {
  const answers = await Promise.all(
    Array.from({ length: times }, () => harness.app.inject({ method: "GET", url: "/health" })),
  );
  return answers.map((answer) => answer.statusCode);
}

describe("a schema whose pattern backtracks catastrophically (^(a+)+$)", () => {
  it("in an example: refused with INVALID_PROFILE while /health answers", async () => {
    const schema = profile({ type: "string", pattern: "^(a+)+$" }, [{ text: EVIL, code: EVIL }]);
    const [refused, statuses] = await Promise.all([extract(schema), health(5)]);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("INVALID_PROFILE");
    expect(refused.body.error.message).toContain('"entities/0/code" is not in the expected format');
  });

  it("on the model's answer: the item is rejected while /health answers", async () => {
    const schema = profile({ type: "string", pattern: "^(a+)+$" }, [{ text: "aaa", code: "aaa" }]);
    const [answered, statuses] = await Promise.all([extract(schema), health(5)]);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(answered.status).toBe(200);
    expect(answered.body.entities).toEqual([]);
    expect(answered.body.rejected[0]).toMatchObject({ reason: "schema_invalid" });
    expect(answered.body.rejected[0].message).toContain('"code" is not in the expected format');
  });
});

describe("schemas too large to compile", () => {
  it("refuses a 3,000-deep allOf with INVALID_PROFILE naming SCHEMA_MAX_DEPTH", async () => {
    // Written as text: JSON.stringify itself overflows the stack on such nesting.
    const deep = `${'{"allOf":['.repeat(3000)}{"type":"string"}${"]}".repeat(3000)}`;
    const payload = JSON.stringify({ text: TEXT, schema: profile({ const: "DEEP" }) }).replace(
      '{"const":"DEEP"}',
      deep,
    );
    const response = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      headers: { "content-type": "application/json" },
      payload,
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe("INVALID_PROFILE");
    expect(response.json().error.message).toContain("SCHEMA_MAX_DEPTH");
  });

  it("refuses 20,000 anyOf branches with INVALID_PROFILE naming SCHEMA_MAX_NODES", async () => {
    const branches = Array.from({ length: 20_000 }, (_, index) => ({
      type: "string",
      pattern: `^${index}(a|b)*$`,
    }));
    const refused = await extract(profile({ anyOf: branches }));
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("INVALID_PROFILE");
    expect(refused.body.error.message).toContain("SCHEMA_MAX_NODES");
  });

  it("refuses a schema over 1 MiB in a JSON body with PAYLOAD_TOO_LARGE", async () => {
    const refused = await extract(profile({ type: "string", description: "x".repeat(1024 * 1024) }));
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(refused.body.error.message).toContain("SCHEMA_MAX_BYTES");
  });

  it("refuses a schema field over 1 MiB in a multipart upload with PAYLOAD_TOO_LARGE", async () => {
    const schema = JSON.stringify(profile({ type: "string", description: "x".repeat(1024 * 1024) }));
    const body = await multipartBody(
      { bytes: new TextEncoder().encode(TEXT), filename: "r.txt" },
      { schema },
    );
    const response = await harness.app.inject({ method: "POST", url: "/v1/extract", ...body });
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(response.json().error.message).toContain('"schema"');
  });
});
