import { describe, expect, it } from "vitest";
import { type Piece, pieceText, segmentText } from "../../web/src/offsets.js";

interface Named {
  id: string;
  start: number;
  end: number;
}

/** The highlights in drawing order, each as [id, its text, the ids nested in it]. */
function highlights(pieces: Piece<Named>[]): [string, string, string[]][] {
  return pieces.flatMap((piece) =>
    typeof piece === "string"
      ? []
      : [
          [
            piece.mention.id,
            pieceText(piece),
            piece.children.flatMap((c) => (typeof c === "string" ? [] : [c.mention.id])),
          ] as [string, string, string[]],
          ...highlights(piece.children),
        ],
  );
}

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
    const { pieces, crossing } = segmentText(text, 0, mentions);
    expect(highlights(pieces)).toEqual([
      ["c", "𝔄𝔫𝔫𝔬", []],
      ["a", "Nîmes", []],
      ["b", "Genève", []],
    ]);
    expect(pieces.map(pieceText).join("")).toBe(text);
    expect(crossing).toEqual([]);
  });

  it("draws one page from its own text, the offsets staying those of the document", () => {
    const base = at("Nîmes");
    const page = Array.from(text).slice(base).join("");
    const { pieces } = segmentText(page, base, [span("Genève", "b"), span("𝔄𝔫𝔫𝔬", "other page")]);
    expect(highlights(pieces)).toEqual([["b", "Genève", []]]);
    expect(pieces.map(pieceText).join("")).toBe("Nîmes et 𓂀 Genève");
  });

  it("nests a mention inside another, and sets aside one that crosses another's end", () => {
    const outer = span("Nîmes et 𓂀 Genève", "outer");
    const inner = span("Genève", "inner");
    const same = span("Nîmes et 𓂀 Genève", "same span");
    const crossingOne = { id: "crossing", start: at("et"), end: at("1792") + 100 };
    const { pieces, crossing } = segmentText(text, 0, [inner, crossingOne, outer, same]);
    expect(highlights(pieces)).toEqual([
      ["outer", "Nîmes et 𓂀 Genève", ["same span"]],
      ["same span", "Nîmes et 𓂀 Genève", ["inner"]],
      ["inner", "Genève", []],
    ]);
    expect(pieces.map(pieceText).join("")).toBe(text);
    expect(crossing.map((m) => m.id)).toEqual(["crossing"]);
  });

  it("sets aside a mention that starts inside an earlier one and ends after it", () => {
    const first = span("1792, Nîmes", "first");
    const second = span("Nîmes et", "second");
    const { pieces, crossing } = segmentText(text, 0, [second, first]);
    expect(highlights(pieces)).toEqual([["first", "1792, Nîmes", []]]);
    expect(crossing.map((m) => m.id)).toEqual(["second"]);
  });
});
