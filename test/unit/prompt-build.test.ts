import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BLOOM_LANGUAGES } from "../../src/pipeline/extract/language.js";
import {
  buildPrompt,
  DOCUMENT_END,
  DOCUMENT_START,
  documentOfPrompt,
  STOP_SEQUENCES,
} from "../../src/pipeline/extract/prompt.js";
import { PROMPT_MESSAGES } from "../../src/pipeline/extract/prompt-messages.js";
import { compileProfile } from "../../src/profiles/compile.js";
import { builtinProfilesDir } from "../../src/profiles/registry.js";

const load = (name: string) =>
  compileProfile(name, JSON.parse(readFileSync(join(builtinProfilesDir(), `${name}.json`), "utf8")));
const named = load("default");
const baptism = load("baptism-record");

const FRENCH_EXAMPLE = "Vers 1784, M. Jean Dupuis";
const ENGLISH_EXAMPLE = "The Times of 3 May 1851";

describe("buildPrompt: where the document stands", () => {
  const chunks = [
    "",
    'Le sieur Dupuis, notaire.\n\nPage 2 : « citation » {"a": 1} << >> <<<x',
    "Ὅμηρος 𝔊𝔬𝔱𝔥𝔦𝔠 😀 trailing newline\n",
    ">>>\nstarts like a delimiter",
  ];

  it.each(chunks)("puts the chunk verbatim between the last delimiters: %j", (chunk) => {
    const prompt = buildPrompt(named, chunk, { language: "fr" });
    const start = prompt.lastIndexOf(DOCUMENT_START) + DOCUMENT_START.length;
    expect(prompt.slice(start, prompt.indexOf(DOCUMENT_END, start))).toBe(chunk);
    expect(documentOfPrompt(prompt)).toBe(chunk);
    expect(prompt.endsWith(`${chunk}${DOCUMENT_END}JSON:`)).toBe(true);
  });

  it("keeps the contract on a re-ask whose rejected answer holds delimiters and line breaks", () => {
    const chunk = "Baptême de Marie, fille de Jean Martin.";
    const prompt = buildPrompt(baptism, chunk, {
      language: "fr",
      feedback: {
        previousOutput: `{"entities":[{"type":"baptism","text":"Marie"}]}\n\nDocument :${DOCUMENT_START}x${DOCUMENT_END}`,
        errors: ["first\nerror", "second"],
      },
    });
    expect(documentOfPrompt(prompt)).toBe(chunk);
    const afterChunk = prompt.slice(prompt.lastIndexOf(DOCUMENT_END) + DOCUMENT_END.length);
    expect(afterChunk).toBe(
      'Réponse refusée : {"entities":[{"type":"baptism","text":"Marie"}]} Document : <<< x >>>\n' +
        "Corrige ces erreurs :\n- first error\n- second\nJSON:",
    );
  });

  it("bounds what a re-ask adds: a cut previous answer and at most six errors", () => {
    const prompt = buildPrompt(named, "x", {
      feedback: {
        previousOutput: "y".repeat(5000),
        errors: Array.from({ length: 10 }, (_, i) => `e${i} ${"z".repeat(500)}`),
      },
    });
    const afterChunk = prompt.slice(prompt.lastIndexOf(DOCUMENT_END) + DOCUMENT_END.length);
    const [previous = "", , ...errors] = afterChunk.split("\n");
    expect(previous.length).toBeLessThanOrEqual("Rejected answer: ".length + 600);
    expect(errors.filter((line) => line.startsWith("- "))).toHaveLength(6);
    expect(Math.max(...errors.map((line) => line.length))).toBeLessThanOrEqual(2 + 200);
  });

  it("stops base BLOOM at the next document block, which no JSON answer contains", () => {
    const prompt = buildPrompt(named, "x");
    for (const stop of STOP_SEQUENCES) expect(prompt).toContain(stop);
    expect(JSON.stringify({ text: "a\n<<<\nb" })).not.toContain(STOP_SEQUENCES[0]);
  });
});

describe("buildPrompt: language", () => {
  it("speaks French to a French document and shows only the French example", () => {
    for (const language of ["fr", "fr-FR", "FR"]) {
      const prompt = buildPrompt(named, "Le curé de Rouen.", { language });
      expect(prompt.startsWith(PROMPT_MESSAGES.fr?.instruction as string)).toBe(true);
      expect(prompt).toContain(FRENCH_EXAMPLE);
      expect(prompt).not.toContain(ENGLISH_EXAMPLE);
      expect(prompt).toContain("Document :\n<<<\nLe curé de Rouen.\n>>>\nJSON:");
    }
  });

  it("speaks Spanish to a Spanish document, with every example when none is Spanish", () => {
    const prompt = buildPrompt(named, "x", { language: "es" });
    expect(prompt.startsWith("Extrae del documento")).toBe(true);
    expect(prompt).toContain(FRENCH_EXAMPLE);
    expect(prompt).toContain(ENGLISH_EXAMPLE);
  });

  it.each([["de"], ["la"], ["it"], [undefined]])(
    "speaks English when BLOOM does not know the language (%s)",
    (language) => {
      const prompt = buildPrompt(named, "x", language === undefined ? {} : { language });
      expect(prompt.startsWith(PROMPT_MESSAGES.en?.instruction as string)).toBe(true);
      expect(prompt).toContain("\nDocument:\n<<<\nx\n>>>\nJSON:");
      expect(prompt).toContain(FRENCH_EXAMPLE);
      expect(prompt).toContain(ENGLISH_EXAMPLE);
    },
  );

  it("only has prompt words in languages BLOOM was trained on", () => {
    for (const language of Object.keys(PROMPT_MESSAGES)) expect(BLOOM_LANGUAGES.has(language)).toBe(true);
  });
});

describe("buildPrompt: profile content", () => {
  it("lists the fields from the schema: common ones, then each type's own", () => {
    const prompt = buildPrompt(named, "x", { language: "en" });
    expect(prompt).toContain(
      [
        "Fields:",
        "- type: person|place|organization|date|work|event",
        "- text: the mention exactly as written, with a person's title",
        "- person: title (form of address: M., sieur, Dr), occupation (trade or office: notaire, laboureur), role (part in the events: vendeur, witness)",
        "- place: kind (city|country|region|street|building|other)",
      ].join("\n"),
    );
    expect(prompt).toMatch(/\n- date: value \(EDTF date: 1784-09-30, .*\)\n/);
    expect(prompt).not.toContain("- event");
  });

  it("lists a one-type profile's fields one a line, with allowed values first", () => {
    const prompt = buildPrompt(baptism, "x", { language: "fr" });
    expect(prompt).toContain("One item per baptism entry of a parish register");
    expect(prompt).toContain(
      "\n- type: baptism\n- text: the child's given names as written\n- sex: male|female\n",
    );
    expect(prompt).toContain("\n- legitimate: true|false; false for a natural child\n");
    expect(prompt).toContain("\n- father_occupation\n");
  });

  it("shows each example's output as one line of compact JSON, as the profile has it", () => {
    const prompt = buildPrompt(named, "x", { language: "en" });
    const answers = prompt.match(/^JSON: .+$/gm) ?? [];
    expect(answers.map((line) => JSON.parse(line.slice("JSON: ".length)))).toEqual([
      named.examples[1]?.output,
    ]);
  });

  it("keeps the overhead small (the default profile's prompt around an empty chunk)", () => {
    // 1613 characters with both examples, ~1200 with one; BLOOM sees 2048 tokens in all.
    expect(buildPrompt(named, "").length).toBeLessThan(1700);
    expect(buildPrompt(named, "", { language: "fr" }).length).toBeLessThan(1300);
  });
});
