/**
 * Long and hostile texts: sentence breaks read window by window are ICU's own, chunking a text without
 * spaces or sentence ends covers it within budget, runs of combining marks are capped, the size alone
 * refuses what MAX_CHUNKS cannot hold (never what it can), and long work takes turns with the event loop.
 * (How long each takes is measured in bench/hostile-text.ts, not asserted here.)
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { chunkText, type TokenCounter } from "../../src/pipeline/chunk/chunk.js";
import { refuseOversized } from "../../src/pipeline/chunk/estimate.js";
import { icuSentences } from "../../src/pipeline/chunk/icu-sentences.js";
import { normalization, normalizeForModel, toSourceRange } from "../../src/pipeline/normalize/index.js";
import { finishNow, Turns } from "../../src/pipeline/turns.js";
import { tokenize } from "../support/tgi-tokenizer.js";

/** The test server's stand-in for BLOOM's tokenizer, counting its calls. */
function tokenizer(): TokenCounter & { calls: number } {
  return {
    calls: 0,
    async countTokens(text: string) {
      this.calls++;
      return tokenize(text).length;
    },
  };
}

const sentence = (i: number) =>
  `Le ${i} mai 1784, M. Dupont écrivit de Lyon à 𝔊eneve, etc. 12, rue des Arts; puis il partit.`;

describe("icuSentences", () => {
  it("finds ICU's own breaks across windows, in a sentence longer than the widest window too", () => {
    const text = [
      Array.from({ length: 300 }, (_, i) => sentence(i)).join(" "),
      "x".repeat(70_000),
      Array.from({ length: 300 }, (_, i) => sentence(i)).join("\n"),
    ].join(" ");
    const segmenter = new Intl.Segmenter("fr", { granularity: "sentence" });
    const whole = [...segmenter.segment(text)].map(({ index, segment }) => [index, index + segment.length]);
    const windowed: [number, number][] = [];
    finishNow(icuSentences(text, segmenter, (start, end) => windowed.push([start, end])));
    expect(windowed).toEqual(whole);
  });
});

describe("chunkText on one line without spaces", () => {
  it("covers the text in order, every chunk within budget", async () => {
    const text = "abcdefghij".repeat(100_000);
    const chunks = await chunkText(text, {
      budgetTokens: 900,
      overlap: 0.1,
      maxChunks: 10_000,
      counter: tokenizer(),
    });
    expect(chunks[0]?.start).toBe(0);
    expect(chunks.at(-1)?.end).toBe(text.length);
    for (const [i, chunk] of chunks.entries()) {
      expect(tokenize(chunk.text).length).toBeLessThanOrEqual(900);
      if (i > 0) expect(chunk.start).toBeLessThanOrEqual(chunks[i - 1]?.end ?? 0);
    }
  });
});

describe("normalisation of a run of combining marks", () => {
  it("keeps 30 marks of a run for the model, and maps the text back to the whole run", () => {
    const source = `Paris a${"\u0301\u0316".repeat(20_000)} Lyon`;
    const normalized = normalizeForModel(source);
    const [word = ""] = normalized.text.split(" ").slice(1, 2);
    expect(word.normalize("NFD").length).toBe(31);
    const start = normalized.text.indexOf(word);
    expect(toSourceRange(normalized, start, start + word.length + " Lyon".length)).toEqual([
      source.indexOf(" a") + 1,
      source.length,
    ]);
  });
});

describe("refuseOversized", () => {
  it("refuses a text far over MAX_CHUNKS from its size, with one tokenizer call", async () => {
    const counter = tokenizer();
    const text = "abcdefghij".repeat(500_000);
    await expect(refuseOversized(text, { maxChunks: 400, inputTokens: 1024, counter })).rejects.toMatchObject(
      {
        code: "PAYLOAD_TOO_LARGE",
        details: { limit: 400, estimated: true },
      },
    );
    expect(counter.calls).toBe(1);
  });

  it("asks nothing of the tokenizer for a text too short to be refused", async () => {
    const counter = tokenizer();
    await refuseOversized("Lettre.".repeat(10_000), { maxChunks: 400, inputTokens: 1024, counter });
    expect(counter.calls).toBe(0);
  });

  it.each([
    ["prose", Array.from({ length: 6_000 }, (_, i) => sentence(i)).join(" ")],
    ["one line", "abcdefghij".repeat(60_000)],
    ["blanks", `${"a ".repeat(20_000)}${" ".repeat(400_000)}`],
  ])("never refuses %s that the chunker fits under MAX_CHUNKS", async (_shape, text) => {
    const budgetTokens = 900;
    const normalized = normalizeForModel(text);
    const chunks = await chunkText(normalized.text, {
      budgetTokens,
      overlap: 0.1,
      maxChunks: Number.MAX_SAFE_INTEGER,
      counter: tokenizer(),
    });
    await expect(
      refuseOversized(text, { maxChunks: chunks.length, inputTokens: 1024, counter: tokenizer() }),
    ).resolves.toBeUndefined();
  });
});

describe("Turns", () => {
  const ligatures = "ﬁ".repeat(300_000);

  it("hands the event loop turns while long work runs", async () => {
    let turns = 0;
    let running = true;
    const count = (async () => {
      while (running) {
        await nextTurn();
        turns++;
      }
    })();
    const before = turns;
    const normalized = await new Turns().finish(normalization(ligatures));
    const during = turns - before;
    running = false;
    await count;
    expect(normalized.text).toBe("fi".repeat(300_000));
    expect(during).toBeGreaterThan(1);
  });

  it("stops at its next turn once its signal aborts", async () => {
    const controller = new AbortController();
    const work = new Turns(controller.signal).finish(normalization(ligatures));
    controller.abort(new Error("the client went away"));
    await expect(work).rejects.toThrow("the client went away");
  });
});
