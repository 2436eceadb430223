/**
 * The margin and junk-line rules on made-up OCR output: a column of body text whose words the engine
 * is sure of, with what scans add around it (a binding read as strings glued to the line ends, a page
 * edge read as a line of its own, a printed rule read as letters), and the real text that must stay
 * (a running head, a short badly read year, a marginal note).
 */
import { describe, expect, it } from "vitest";
import type { SourceBlock, SourceLine } from "../../src/pipeline/ingest/compose-page.js";
import { composePage } from "../../src/pipeline/ingest/compose-page.js";
import { dropJunk, type JunkSettings } from "../../src/pipeline/ocr/junk-lines.js";
import { findTextArea } from "../../src/pipeline/ocr/text-area.js";

const SETTINGS: JunkSettings = {
  textArea: true,
  margin: 1.5,
  sureConfidence: 0.6,
  lineConfidence: 0.3,
  lineMinCharacters: 8,
};
/** Words are 30 pixels high, 15 pixels a character; lines 45 pixels apart. */
const HEIGHT = 30;

type Word = [text: string, x: number, confidence: number];

function line(y: number, words: Word[]): SourceLine {
  const boxed = words.map(([text, x, confidence]) => ({
    text,
    confidence,
    box: { x, y, width: text.length * 15, height: HEIGHT },
  }));
  const right = Math.max(...boxed.map((word) => word.box.x + word.box.width));
  const left = Math.min(...boxed.map((word) => word.box.x));
  return { words: boxed, box: { x: left, y, width: right - left, height: HEIGHT } };
}

/** Six lines of body text from x = 100 (or `shift` more) to about 700, from y = 300. */
function body(shift = 0): SourceLine[] {
  return Array.from({ length: 6 }, (_, i) =>
    line(300 + i * 45, [
      ["Unmündigkeit", 100 + shift, 0.95],
      ["ist", 300 + shift, 0.9],
      ["das", 360 + shift, 0.92],
      ["Unvermögen,", 430 + shift, 0.88],
      ["sich", 640 + shift, 0.93],
    ]),
  );
}

const textOf = (blocks: SourceBlock[]) => composePage(blocks).text;

describe("the text area", () => {
  it("is the box around the sure words of three letters or more, widened by the margin in line heights", () => {
    const area = findTextArea([{ lines: body() }], SETTINGS);
    // Sure words span x 100-700 and y 300-555; 1.5 line heights of 30 pixels is 45.
    expect(area).toEqual({ x: 55, y: 255, width: 690, height: 345 });
  });

  it("is not looked for on a page with too few sure words to tell its body from its margins", () => {
    const sparse = [
      {
        lines: [
          line(100, [
            ["Kant", 100, 0.9],
            ["1784", 200, 0.95],
            ["|", 900, 0.9],
          ]),
        ],
      },
    ];
    expect(findTextArea(sparse, SETTINGS)).toBeUndefined();
    expect(dropJunk(sparse, SETTINGS)).toEqual({ blocks: sparse, dropped: { lines: 0, words: 0 } });
  });
});

describe("dropping margins and junk lines", () => {
  it("drops what the binding adds to the ends of real lines, and boxes the lines around what is left", () => {
    const lines = body();
    const withBinding = lines.map((real, i) => ({
      ...real,
      words: [
        ...real.words,
        ...line(real.box?.y ?? 0, [[i % 2 ? "iH" : "|", 1100, i % 2 ? 0.3 : 0.92]]).words,
      ],
      box: { ...(real.box as NonNullable<SourceLine["box"]>), width: 1130 - 100 },
    }));
    const sifted = dropJunk([{ lines: withBinding }], SETTINGS);
    expect(textOf(sifted.blocks)).toBe(textOf([{ lines }]));
    expect(sifted.dropped).toEqual({ lines: 0, words: 6 });
    expect(sifted.blocks[0]?.lines.map((kept) => kept.box)).toEqual(lines.map((real) => real.box));
  });

  it("drops a line read from the page edge, past the margin, even with a confident word in it", () => {
    const edge = line(900, [
      ["=", 120, 0.94],
      ["SENI", 300, 0.71],
      ['"gn', 500, 0.2],
    ]);
    const sifted = dropJunk([{ lines: body() }, { lines: [edge] }], SETTINGS);
    expect(textOf(sifted.blocks)).not.toContain("SENI");
    expect(sifted.blocks).toHaveLength(1);
    expect(sifted.dropped).toEqual({ lines: 1, words: 3 });
  });

  it("keeps the lines next to the body that it reads badly: running head, catchword, a year", () => {
    const head = line(300 - 90, [
      ["Berlinische", 100, 0.92],
      ["Monatsschr.", 300, 0.35],
    ]);
    const year = line(300 - 45, [["I7S4", 350, 0.0]]);
    const signature = line(300 + 6 * 45, [
      ["B.", 100, 0.37],
      ["Monatsschr.", 160, 0.34],
      ["6,", 400, 0.93],
      ["(na-", 680, 0.07],
    ]);
    const sifted = dropJunk([{ lines: [head, year, ...body(), signature] }], SETTINGS);
    expect(sifted.dropped).toEqual({ lines: 0, words: 0 });
    expect(textOf(sifted.blocks)).toMatch(/^Berlinische Monatsschr\.\nI7S4\n.*\nB\. Monatsschr\. 6, \(na-$/s);
  });

  it("drops a long line inside the area with no sure word and a low mean confidence: a rule read as letters", () => {
    const rule = line(300 + 2 * 45 + 20, [
      ["emeEeEeG?wwFKOÖF1eEee", 100, 0.05],
      ["Zzzez", 450, 0.4],
    ]);
    const lines = body();
    const sifted = dropJunk([{ lines: [...lines.slice(0, 3), rule, ...lines.slice(3)] }], SETTINGS);
    expect(textOf(sifted.blocks)).toBe(textOf([{ lines }]));
    expect(sifted.dropped).toEqual({ lines: 1, words: 2 });
  });

  it("keeps a badly read line with one sure word, and a short one however unsure", () => {
    const garbled = line(300 + 45 + 20, [
      ["(S;", 100, 0.36],
      ["NE:", 160, 0.14],
      ["a983«", 230, 0],
      ["S.", 320, 0.92],
    ]);
    const short = line(300 + 3 * 45 + 20, [
      ["ji", 400, 0.05],
      ["*»", 450, 0.1],
    ]);
    const [first, second, third, ...rest] = body();
    const lines = [first, second, garbled, third, short, ...rest] as SourceLine[];
    const sifted = dropJunk([{ lines }], SETTINGS);
    expect(sifted.dropped).toEqual({ lines: 0, words: 0 });
    expect(textOf(sifted.blocks)).toContain(
      "sich\n(S; NE: a983« S.\nUnmündigkeit ist das Unvermögen, sich\nji *»",
    );
  });

  it("keeps a marginal note the engine is sure of: the area is every sure word's, not one column's", () => {
    const note = line(345, [
      ["Sapere", 900, 0.9],
      ["aude", 1010, 0.85],
    ]);
    const sifted = dropJunk([{ lines: body() }, { lines: [note] }], SETTINGS);
    expect(sifted.dropped).toEqual({ lines: 0, words: 0 });
    expect(textOf(sifted.blocks)).toContain("Sapere aude");
  });

  it("drops a colour chart's label far from the page, however sure the engine is of it", () => {
    const label = line(1100, [
      ["Kodak", 300, 0.93],
      ["Gray", 400, 0.95],
      ["Scale", 480, 0.91],
    ]);
    const sifted = dropJunk([{ lines: body() }, { lines: [label] }], SETTINGS);
    expect(textOf(sifted.blocks)).not.toContain("Kodak");
    expect(sifted.dropped).toEqual({ lines: 1, words: 3 });
  });

  it("keeps both pages of a spread: a group of sure words as large as the body is text", () => {
    const sifted = dropJunk([{ lines: body() }, { lines: body(1500) }], SETTINGS);
    expect(sifted.dropped).toEqual({ lines: 0, words: 0 });
  });

  it("drops nothing when both rules are off", () => {
    const edge = line(900, [
      ["SENI", 300, 0.2],
      ["gnmnm", 500, 0.1],
    ]);
    const blocks = [{ lines: [...body(), edge] }];
    const off = dropJunk(blocks, { ...SETTINGS, textArea: false, lineConfidence: 0 });
    expect(off).toEqual({ blocks, dropped: { lines: 0, words: 0 } });
    // Each rule alone would have dropped the line.
    expect(dropJunk(blocks, { ...SETTINGS, lineConfidence: 0 }).dropped.lines).toBe(1);
    expect(dropJunk(blocks, { ...SETTINGS, textArea: false }).dropped.lines).toBe(1);
  });
});
