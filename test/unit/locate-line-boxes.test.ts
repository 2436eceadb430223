/** A range over several lines is placed line by line as well as as a whole (the review page outlines each line). */
import { describe, expect, it } from "vitest";
import { TextLocator } from "../../src/pipeline/locate.js";
import type { Page } from "../../src/pipeline/types.js";

// Two printed lines: "Jean-" at the end of the first, "Baptiste Bérard" at the start of the second.
const TEXT = "Lettre de Jean-\nBaptiste Bérard";
const PAGE: Page = {
  number: 1,
  start: 0,
  end: TEXT.length,
  needsOcr: false,
  width: 1000,
  height: 800,
  layout: {
    lines: [
      {
        start: 0,
        end: 15,
        words: [
          { start: 0, end: 6, box: { x: 100, y: 100, width: 120, height: 30 } },
          { start: 7, end: 9, box: { x: 230, y: 100, width: 40, height: 30 } },
          { start: 10, end: 15, box: { x: 280, y: 102, width: 110, height: 30 } },
        ],
      },
      {
        start: 16,
        end: TEXT.length,
        words: [
          { start: 16, end: 24, box: { x: 100, y: 140, width: 170, height: 32 } },
          { start: 25, end: TEXT.length, box: { x: 280, y: 141, width: 150, height: 30 } },
        ],
      },
    ],
  },
};

describe("placing a range on the page image", () => {
  const locator = new TextLocator(TEXT, [PAGE]);

  it("gives one box per line to a range over two lines, and their union as its box", () => {
    const placed = locator.place(TEXT.indexOf("Jean"), TEXT.length);
    expect(placed.lineBoxes).toEqual([
      { x: 280, y: 102, width: 110, height: 30 },
      { x: 100, y: 140, width: 330, height: 32 },
    ]);
    expect(placed.bbox).toEqual({ x: 100, y: 102, width: 330, height: 70 });
  });

  it("gives a range on one line its box alone", () => {
    const placed = locator.place(0, 9);
    expect(placed.bbox).toEqual({ x: 100, y: 100, width: 170, height: 30 });
    expect(placed.lineBoxes).toBeUndefined();
  });
});
