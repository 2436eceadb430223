/**
 * Boxes between the page image as stored and the image the engine read: scaled (an upscaled or
 * reduced copy) and turned by quarter turns (a sideways or upside-down scan set upright). Results
 * always give boxes in the pixels of the image as stored, where the review page draws them.
 */
import type { SourceBlock } from "../ingest/compose-page.js";
import { scaleBox } from "../ingest/xml/geometry.js";
import type { Box } from "../types.js";

/** A clockwise turn of a page image, in degrees. */
export type QuarterTurn = 0 | 90 | 180 | 270;

export const QUARTER_TURNS: readonly QuarterTurn[] = [0, 90, 180, 270];

export interface Size {
  width: number;
  height: number;
}

/** The size of an image of `size` once turned: width and height swap on a quarter turn either way. */
export function turnedSize(size: Size, turn: QuarterTurn): Size {
  return turn === 90 || turn === 270 ? { width: size.height, height: size.width } : size;
}

/** The turn that undoes `turn`. */
export function inverseTurn(turn: QuarterTurn): QuarterTurn {
  return ((360 - turn) % 360) as QuarterTurn;
}

/** Where a box of an image of `size` stands once the image is turned clockwise by `turn`. */
export function turnBox(box: Box, turn: QuarterTurn, size: Size): Box {
  const { x, y, width, height } = box;
  switch (turn) {
    case 0:
      return box;
    case 90:
      return { x: size.height - (y + height), y: x, width: height, height: width };
    case 180:
      return { x: size.width - (x + width), y: size.height - (y + height), width, height };
    case 270:
      return { x: y, y: size.width - (x + width), width: height, height: width };
  }
}

/** The blocks with every line and word box passed through `place`. */
export function mapBoxes(blocks: readonly SourceBlock[], place: (box: Box) => Box): SourceBlock[] {
  const moved = <T extends { box?: Box }>(item: T): T =>
    item.box ? { ...item, box: place(item.box) } : item;
  return blocks.map((block) => ({
    ...block,
    lines: block.lines.map((line) => ({ ...moved(line), words: line.words.map(moved) })),
  }));
}

/**
 * A box read from the engine's image (the page turned by `turn`, then scaled by `scale`) in the
 * pixels of the page as stored, whose size is `stored`.
 */
export function toStoredPixels(box: Box, scale: number, turn: QuarterTurn, stored: Size): Box {
  const unscaled = scale === 1 ? box : scaleBox(box, 1 / scale);
  return turnBox(unscaled, inverseTurn(turn), turnedSize(stored, turn));
}
