/**
 * A result made with a custom schema is stored under the schema's own name (custom-<hash>): a request
 * that sends a schema along with `profile=default` cannot replace the document's `default` result.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

const TEXT = "Jean Dupuy écrivit de Bordeaux le 2 mars 1790 à son frère.";
const shipped = JSON.parse(readFileSync(new URL("../../schemas/default.json", import.meta.url), "utf8"));
/** The default profile under another title and version: what a client might send as "default". */
const impostor = {
  ...shipped,
  title: "Not the default",
  "x-palimpsest": { ...shipped["x-palimpsest"], version: "9.9.9" },
};

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ server: { respond: lexiconModel([{ type: "place", text: "Bordeaux" }]) } });
});
afterAll(() => harness.close());

async function queue(payload: object): Promise<{ document: string; profile: string }> {
  const response = await harness.app.inject({ method: "POST", url: "/v1/documents", payload });
  expect(response.statusCode).toBe(202);
  const job = response.json() as { id: string; document: string; profile: string };
  await harness.services.jobs.whenSettled(job.id);
  return job;
}

async function result(document: string, profile: string): Promise<Extraction> {
  const response = await harness.app.inject({
    method: "GET",
    url: `/v1/documents/${document}/entities?profile=${profile}`,
  });
  expect(response.statusCode).toBe(200);
  return response.json() as Extraction;
}

describe("a result made with a custom schema", () => {
  it("is stored under custom-<hash>, leaving the built-in profile's result as it was", async () => {
    const builtIn = await queue({ text: TEXT, profile: "default" });
    const before = await result(builtIn.document, "default");
    expect(before.profile).toEqual({ name: "default", version: shipped["x-palimpsest"].version });

    const custom = await queue({ text: TEXT, profile: "default", schema: impostor });
    expect(custom.document).toBe(builtIn.document);
    expect(custom.profile).toMatch(/^custom-[0-9a-f]{16}$/);

    expect(await result(builtIn.document, "default")).toEqual(before);
    expect((await result(custom.document, custom.profile)).profile).toEqual({
      name: custom.profile,
      version: "9.9.9",
    });
  });
});
