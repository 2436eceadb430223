import { describe, expect, it } from "vitest";
import { chunkText, type TokenCounter } from "../../src/pipeline/chunk/chunk.js";
import { sentenceSegments } from "../../src/pipeline/chunk/segments.js";

/** Counts a token per word and per punctuation mark, like a coarse BPE. */
const wordCounter: TokenCounter & { calls: number } = {
  calls: 0,
  async countTokens(text: string) {
    this.calls++;
    return (text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).length;
  },
};

const sentence = (i: number) => `Le sieur Jean Martin, négociant à Lyon, a écrit la lettre numéro ${i}.`;
const paragraphs = Array.from({ length: 12 }, (_, p) =>
  Array.from({ length: 5 }, (_, s) => sentence(p * 5 + s)).join(" "),
).join("\n\n");

describe("chunkText", () => {
  it("keeps a short text in one chunk", async () => {
    const chunks = await chunkText("Paris, le 3 mai 1784.", {
      budgetTokens: 50,
      overlap: 0.1,
      maxChunks: 10,
      counter: wordCounter,
    });
    expect(chunks).toEqual([{ index: 0, text: "Paris, le 3 mai 1784.", start: 0, end: 21 }]);
  });

  it("never exceeds the token budget and covers every sentence", async () => {
    const chunks = await chunkText(paragraphs, {
      budgetTokens: 60,
      overlap: 0.2,
      maxChunks: 100,
      counter: wordCounter,
    });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(await wordCounter.countTokens(chunk.text)).toBeLessThanOrEqual(60);
      expect(chunk.text).toBe(paragraphs.slice(chunk.start, chunk.end));
    }
    for (let i = 0; i < 60; i++) {
      const at = paragraphs.indexOf(sentence(i));
      expect(chunks.some((c) => c.start <= at && at + sentence(i).length <= c.end)).toBe(true);
    }
  });

  it("cuts on sentence ends and overlaps chunks that do not end a paragraph", async () => {
    const chunks = await chunkText(paragraphs, {
      budgetTokens: 80,
      overlap: 0.3,
      maxChunks: 100,
      counter: wordCounter,
    });
    let overlapping = 0;
    chunks.forEach((chunk, i) => {
      expect(chunk.text.endsWith(".")).toBe(true);
      const next = chunks[i + 1];
      if (!next) return;
      expect(next.start).toBeGreaterThan(chunk.start);
      if (paragraphs.slice(chunk.end, chunk.end + 2) !== "\n\n") {
        expect(next.start).toBeLessThan(chunk.end);
        overlapping++;
      }
    });
    expect(overlapping).toBeGreaterThan(3);
  });

  it("prefers a paragraph end when the chunk is already well filled", async () => {
    const chunks = await chunkText(paragraphs, {
      budgetTokens: 130,
      overlap: 0,
      maxChunks: 100,
      counter: wordCounter,
    });
    const paragraphEnds = chunks.filter(
      (c) => paragraphs.slice(c.end, c.end + 2) === "\n\n" || c.end === paragraphs.length,
    );
    expect(paragraphEnds.length).toBe(chunks.length);
  });

  it("splits text without sentence ends at whitespace, never inside a surrogate pair", async () => {
    const text = Array.from({ length: 300 }, (_, i) => `𝔚𝔬𝔯𝔱${i}`).join(" ");
    const chunks = await chunkText(text, {
      budgetTokens: 40,
      overlap: 0,
      maxChunks: 100,
      counter: wordCounter,
    });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.text.isWellFormed()).toBe(true);
      expect(await wordCounter.countTokens(chunk.text)).toBeLessThanOrEqual(40);
    }
  });

  it("refuses a document that would need more chunks than the limit", async () => {
    await expect(
      chunkText(paragraphs, { budgetTokens: 30, overlap: 0, maxChunks: 3, counter: wordCounter }),
    ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });
});

describe("sentenceSegments", () => {
  it("never ends a sentence after an initial or a title, so names stay whole", () => {
    const text = "Étaient présents MM. Marc Peter et Prof. Landolt. Le président William H. Harrison signa.";
    const ends = sentenceSegments(text, "fr").map((s) => text.slice(s.start, s.end).trim());
    expect(ends).toEqual([
      "Étaient présents MM. Marc Peter et Prof. Landolt.",
      "Le président William H. Harrison signa.",
    ]);
  });

  it("keeps names whole after one-letter abbreviations and titles OCR glued to the word before", () => {
    const text =
      "Es kandidieren Meister, Strehler z. Schiff und G. v. Wyß. Un dédit de 1.400 francs.MM. Messager et des superphosphatesMM. Elvell signent.";
    const ends = sentenceSegments(text, "de").map((s) => text.slice(s.start, s.end).trim());
    for (const name of ["Strehler z. Schiff", "G. v. Wyß", "MM. Messager", "MM. Elvell"])
      expect(
        ends.some((sentence) => sentence.includes(name)),
        name,
      ).toBe(true);
  });
});
