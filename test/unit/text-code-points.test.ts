import { describe, expect, it } from "vitest";
import { CodePointIndex, sliceCodePoints } from "../../src/text/code-points.js";

describe("CodePointIndex", () => {
  const text = "a𝔊b🎉c\u00e9e\u0301";
  const index = new CodePointIndex(text);

  it("counts code points, not UTF-16 units", () => {
    expect(text.length).toBe(10);
    expect(index.length).toBe([...text].length);
    expect(index.length).toBe(8);
  });

  it("converts every character boundary both ways", () => {
    let utf16 = 0;
    [...text].forEach((character, codePoint) => {
      expect(index.toCodePoint(utf16)).toBe(codePoint);
      expect(index.toUtf16(codePoint)).toBe(utf16);
      utf16 += character.length;
    });
    expect(index.toCodePoint(text.length)).toBe(8);
    expect(index.toUtf16(8)).toBe(text.length);
  });

  it("gives code point ranges whose slice equals the UTF-16 slice", () => {
    const start = text.indexOf("b");
    const end = text.indexOf("c") + 1;
    const slice = [...text].slice(index.toCodePoint(start), index.toCodePoint(end)).join("");
    expect(slice).toBe(text.slice(start, end));
    expect(slice).toBe("b🎉c");
  });

  it("refuses an index that would cut a surrogate pair or lies outside the text", () => {
    expect(() => index.toCodePoint(2)).toThrow(RangeError);
    expect(() => index.toCodePoint(text.length + 1)).toThrow(RangeError);
    expect(() => index.toCodePoint(-1)).toThrow(RangeError);
    expect(() => index.toUtf16(9)).toThrow(RangeError);
  });

  it("treats a lone surrogate as one code point, as the string iterator does", () => {
    const broken = "x\ud800y";
    const lone = new CodePointIndex(broken);
    expect(lone.length).toBe([...broken].length);
    expect(lone.toCodePoint(2)).toBe(2);
  });

  it("handles the empty text", () => {
    const empty = new CodePointIndex("");
    expect(empty.length).toBe(0);
    expect(empty.toCodePoint(0)).toBe(0);
    expect(empty.toUtf16(0)).toBe(0);
  });
});

describe("sliceCodePoints", () => {
  const text = "a𝔊b🎉c\u00e9e\u0301";

  it("slices as the code point array does, whatever the range", () => {
    const points = [...text];
    for (let start = 0; start <= points.length + 1; start++) {
      for (let end = 0; end <= points.length + 2; end++) {
        expect(sliceCodePoints(text, start, end)).toBe(points.slice(start, end).join(""));
      }
    }
    expect(sliceCodePoints(text, 1, 4)).toBe("𝔊b🎉");
  });
});
