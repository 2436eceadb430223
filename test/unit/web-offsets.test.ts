import { describe, expect, it } from "vitest";
import { segmentText } from "../../web/src/offsets.js";

describe("segmentText (code-point offsets to DOM text)", () => {
  // 𝔄 (U+1D504) is two UTF-16 units: a UTF-16 reading of the offsets would cut one character early.
  const text = "𝔄𝔫𝔫𝔬 1792, Nîmes et 𓂀 Genève";
  const at = (piece: string) => Array.from(text.slice(0, text.indexOf(piece))).length;
  const span = (piece: string, id: string) => ({
    id,
    start: at(piece),
    end: at(piece) + Array.from(piece).length,
  });

  it("highlights the characters the code-point offsets name, after characters outside the BMP", () => {
    const mentions = [span("Genève", "b"), span("Nîmes", "a"), span("𝔄𝔫𝔫𝔬", "c")];
    const { segments } = segmentText(text, 0, Array.from(text).length, mentions);
    expect(segments.filter((s) => s.mention).map((s) => [s.mention?.id, s.text])).toEqual([
      ["c", "𝔄𝔫𝔫𝔬"],
      ["a", "Nîmes"],
      ["b", "Genève"],
    ]);
    expect(segments.map((s) => s.text).join("")).toBe(text);
  });

  it("draws one page only and sets overlapping mentions aside", () => {
    const from = at("Nîmes");
    const to = Array.from(text).length;
    const outer = span("Nîmes et", "outer");
    const inner = span("et", "inner");
    const { segments, overlapping } = segmentText(text, from, to, [inner, outer, span("𝔄𝔫𝔫𝔬", "other page")]);
    expect(segments.map((s) => s.text).join("")).toBe("Nîmes et 𓂀 Genève");
    expect(segments.filter((s) => s.mention).map((s) => s.mention?.id)).toEqual(["outer"]);
    expect(overlapping.map((m) => m.id)).toEqual(["inner"]);
  });
});
