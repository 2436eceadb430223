/**
 * What the pipeline does with the answers a real BLOOM gives: schema breaks (re-asked with the errors),
 * damaged JSON from a server without grammar support (repaired), answers that never become JSON,
 * mentions copied from the prompt's examples, OpenAI-compatible servers and slow servers.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { loadProfiles } from "../../src/profiles/registry.js";
import { type Harness, startHarness } from "../support/harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A stand-in model that gives the listed answers in turn (the last one again once they run out). */
function answers(...texts: string[]) {
  let call = 0;
  return () => texts[Math.min(call++, texts.length - 1)] ?? "";
}

async function extract(h: Harness, text: string) {
  const response = await h.app.inject({
    method: "POST",
    url: "/v1/extract",
    payload: { text, language: "fr" },
  });
  return { status: response.statusCode, body: response.json() as Extraction };
}

const generations = (h: Harness) =>
  h.server.received.filter(
    (r) => r.method === "POST" && ["/", "/generate", "/v1/completions"].includes(r.path),
  );

describe("model answers", () => {
  it("re-asks with the validation errors and keeps the valid answer", async () => {
    harness = await startHarness({
      server: {
        grammarSupport: false,
        respond: answers(
          '{"entities":[{"type":"ship","text":"La Boussole"},{"type":"place","text":"Brest"}]}',
          '{"entities":[{"type":"work","text":"La Boussole"},{"type":"place","text":"Brest"}]}',
        ),
      },
    });
    const { body } = await extract(harness, "La Boussole quitta Brest le 1er août 1785.");
    expect(body.entities.map((m) => [m.type, m.text])).toEqual([
      ["work", "La Boussole"],
      ["place", "Brest"],
    ]);
    expect(body.stats.reasks).toBe(1);
    const second = generations(harness).at(-1)?.body as { inputs: string };
    expect(second.inputs).toContain("entities[0]");
    expect(body.rejected).toEqual([]);
  });

  it("repairs damaged JSON when the server applies no grammar, and says so", async () => {
    harness = await startHarness({
      server: {
        grammarSupport: false,
        respond: () => "{'entities': [{'type': 'place', 'text': 'Brest'},]}\nDocument: et puis",
      },
    });
    const { body } = await extract(harness, "Il arriva à Brest.");
    expect(body.entities).toEqual([expect.objectContaining({ text: "Brest", start: 12, end: 17 })]);
    expect(body.model.grammar).toBe(false);
  });

  it("reports an answer that never becomes JSON instead of failing the document", async () => {
    harness = await startHarness({
      server: { grammarSupport: false, respond: () => "Je ne sais pas." },
      env: { MODEL_REASKS: "1" },
    });
    const { status, body } = await extract(harness, "Il arriva à Brest.");
    expect(status).toBe(200);
    expect(body.entities).toEqual([]);
    expect(body.rejected).toEqual([expect.objectContaining({ reason: "unparseable_output" })]);
    expect(generations(harness)).toHaveLength(2 + 1); // grammar refused once, then the answer and one re-ask
  });

  it("rejects mentions copied from the prompt's examples", async () => {
    const example = (await loadProfiles()).get("default").examples[0]?.output.entities[0];
    expect(example).toBeDefined();
    harness = await startHarness({
      server: { respond: () => JSON.stringify({ entities: [example, { type: "place", text: "Brest" }] }) },
    });
    const { body } = await extract(harness, "Il arriva à Brest.");
    expect(body.entities.map((m) => m.text)).toEqual(["Brest"]);
    expect(body.rejected).toEqual([expect.objectContaining({ reason: "copied_from_example" })]);
  });

  it("works with an OpenAI-compatible server, detected, with the schema in its own fields", async () => {
    harness = await startHarness({
      server: { openaiOnly: true, respond: () => '{"entities":[{"type":"place","text":"Brest"}]}' },
    });
    const { status, body } = await extract(harness, "Il arriva à Brest.");
    expect(status).toBe(200);
    expect(body.model.server).toBe("openai");
    expect(body.entities).toEqual([expect.objectContaining({ text: "Brest", alignment: "exact" })]);
    const request = generations(harness)[0]?.body as Record<string, unknown>;
    expect(request.guided_json ?? request.json_schema).toEqual(
      harness.services.profiles.get("default").schema,
    );
  });

  it("answers 504 when a document takes longer than its time limit", async () => {
    harness = await startHarness({
      server: { latencyMs: 3000, respond: () => '{"entities":[]}' },
      env: { DOCUMENT_TIMEOUT_MS: "1000" },
    });
    const { status, body } = await extract(harness, "Il arriva à Brest.");
    expect(status).toBe(504);
    expect(body).toMatchObject({
      error: { code: "DOCUMENT_TIMEOUT", message: expect.stringContaining("DOCUMENT_TIMEOUT_MS") },
    });
  });
});
