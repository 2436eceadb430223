/**
 * Boxes between a page image as stored and the turned, scaled copy the engine reads: checked against
 * sharp's own rotation of an image with a dark rectangle on it, and back again.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  inverseTurn,
  type QuarterTurn,
  toStoredPixels,
  turnBox,
  turnedSize,
} from "../../src/pipeline/ocr/page-geometry.js";
import type { Box } from "../../src/pipeline/types.js";

const SIZE = { width: 60, height: 40 };
/** Off-centre and not square, so that a wrong turn or a swapped side shows. */
const RECTANGLE: Box = { x: 7, y: 5, width: 20, height: 9 };

/** The image of SIZE with RECTANGLE in black, turned clockwise by sharp. */
async function turnedImage(turn: QuarterTurn): Promise<{ data: Buffer; width: number; height: number }> {
  const { x, y, width, height } = RECTANGLE;
  const svg = `<svg width="${SIZE.width}" height="${SIZE.height}"><rect x="${x}" y="${y}" width="${width}" height="${height}"/></svg>`;
  const { data, info } = await sharp({ create: { ...SIZE, channels: 3, background: "white" } })
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toBuffer()
    .then((png) => sharp(png).rotate(turn).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true }));
  return { data, width: info.width, height: info.height };
}

/** The bounding box of the dark pixels of a one-band image. */
function darkBox({ data, width, height }: { data: Buffer; width: number; height: number }): Box {
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if ((data[y * width + x] as number) < 128) {
        left = Math.min(left, x);
        top = Math.min(top, y);
        right = Math.max(right, x);
        bottom = Math.max(bottom, y);
      }
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

describe("quarter turns of boxes", () => {
  it.each([0, 90, 180, 270] as const)(
    "puts a box where sharp's %i° clockwise turn puts its pixels",
    async (turn) => {
      const image = await turnedImage(turn);
      expect({ width: image.width, height: image.height }).toEqual(turnedSize(SIZE, turn));
      expect(darkBox(image)).toEqual(turnBox(RECTANGLE, turn, SIZE));
    },
  );

  it.each([90, 180, 270] as const)(
    "brings a box read on the page turned by %i° back to the page as stored",
    (turn) => {
      const onTurned = turnBox(RECTANGLE, turn, SIZE);
      expect(toStoredPixels(onTurned, 1, turn, SIZE)).toEqual(RECTANGLE);
      // The engine read a copy twice the size: the box is scaled back before it is turned back.
      const onScaled = {
        x: onTurned.x * 2,
        y: onTurned.y * 2,
        width: onTurned.width * 2,
        height: onTurned.height * 2,
      };
      expect(toStoredPixels(onScaled, 2, turn, SIZE)).toEqual(RECTANGLE);
    },
  );

  it("undoes each turn with its inverse, and four quarter turns with none", () => {
    for (const turn of [0, 90, 180, 270] as const) {
      const there = turnBox(RECTANGLE, turn, SIZE);
      expect(turnBox(there, inverseTurn(turn), turnedSize(SIZE, turn))).toEqual(RECTANGLE);
    }
    let box = RECTANGLE;
    let size = SIZE;
    for (let i = 0; i < 4; i++) {
      box = turnBox(box, 90, size);
      size = turnedSize(size, 90);
    }
    expect(box).toEqual(RECTANGLE);
    expect(inverseTurn(90)).toBe(270);
    expect(inverseTurn(0)).toBe(0);
  });
});
