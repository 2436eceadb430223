import { describe, expect, it } from "vitest";
import { parseModelOutput } from "../../src/pipeline/extract/parse-output.js";

const grammar = { grammarApplied: true };
const free = { grammarApplied: false };
const jean = { type: "person", text: "Jean" };

describe("parseModelOutput", () => {
  it("parses the answer strictly, ignoring what comes before and after the object", () => {
    expect(parseModelOutput('{"entities":[{"type":"person","text":"Jean"}]}', grammar)).toEqual({
      ok: true,
      value: { entities: [jean] },
      repaired: false,
    });
    const chatty = ' {"entities":[{"type":"person","text":"Jean"}]}\n\nDocument:\n<<<\nLe {second} document';
    expect(parseModelOutput(chatty, free)).toEqual({
      ok: true,
      value: { entities: [jean] },
      repaired: false,
    });
    expect(parseModelOutput('{"entities":[]}{"entities":[{"type":"x"}]}', free)).toMatchObject({
      value: { entities: [] },
    });
  });

  it("is not fooled by brackets, quotes and apostrophes inside strings", () => {
    const raw = String.raw`{"entities":[{"type":"work","text":"Le {grand} livre ] de l'abbé \"Prévost\" \\"}]} }`;
    expect(parseModelOutput(raw, grammar)).toEqual({
      ok: true,
      value: { entities: [{ type: "work", text: 'Le {grand} livre ] de l\'abbé "Prévost" \\' }] },
      repaired: false,
    });
  });

  it("does not repair under a grammar: a broken answer there was cut", () => {
    expect(parseModelOutput('{"entities":[{"type":"person","text":"Jean Dup', grammar)).toEqual({
      ok: false,
      error: "the JSON object is incomplete: the output was cut",
    });
    const invalid = parseModelOutput('{"entities":[{"type":"person",},]}', grammar);
    expect(invalid.ok).toBe(false);
    expect(!invalid.ok && invalid.error).toMatch(/^invalid JSON: /);
  });

  it.each([
    ["a trailing comma", '{"entities":[{"type":"person","text":"Jean",},]}'],
    ["single quotes", "{'entities': [{'type': 'person', 'text': 'Jean'}]}"],
    ["unclosed brackets", '{"entities":[{"type":"person","text":"Jean"}'],
    ["a bare array", 'Here they are: [{"type":"person","text":"Jean"}] and that is all.'],
  ])("repairs %s without a grammar", (_damage, raw) => {
    expect(parseModelOutput(raw, free)).toEqual({ ok: true, value: { entities: [jean] }, repaired: true });
  });

  it("keeps apostrophes of double-quoted strings when repairing single quotes around them", () => {
    expect(parseModelOutput("{'entities': [{'type': 'person', 'text': \"l'abbé Grégoire\"}]}", free)).toEqual(
      {
        ok: true,
        value: { entities: [{ type: "person", text: "l'abbé Grégoire" }] },
        repaired: true,
      },
    );
  });

  it("only looks for an object under a grammar, never for a bare array", () => {
    expect(parseModelOutput('[1] {"entities":[]}', grammar)).toEqual({
      ok: true,
      value: { entities: [] },
      repaired: false,
    });
  });

  it("fails with a reason when there is no JSON or it cannot be repaired", () => {
    expect(parseModelOutput("Je ne sais pas.", free)).toEqual({
      ok: false,
      error: "the output holds no JSON object",
    });
    const broken = parseModelOutput('{"entities": {{{{', free);
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.error).toMatch(/^invalid JSON that could not be repaired: /);
  });
});
