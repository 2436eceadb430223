import { describe, expect, it } from "vitest";
import { CHARS_PER_TOKEN, estimateTokens } from "../../src/endpoint/openai.js";

describe("estimateTokens", () => {
  it("rounds characters per token up", () => {
    expect(estimateTokens("a".repeat(CHARS_PER_TOKEN * 4 + 1))).toBe(5);
    expect(estimateTokens("")).toBe(0);
  });

  it("counts code points, not UTF-16 units", () => {
    // Three Fraktur capitals outside the BMP: six UTF-16 units, three characters.
    expect(estimateTokens("𝔄𝔅𝔆")).toBe(1);
  });

  it("does not undercount BLOOM on modern French (11 real tokens in TGI's bloom-560m snapshot)", () => {
    expect(estimateTokens("Pour déguster un ortolan, il faut tout d'abord")).toBeGreaterThanOrEqual(11);
  });
});
