/**
 * Which way up a page is read, with stand-in engines: OSD's answer followed from its confidence
 * threshold, the fallback's four readings when there is no OSD, the cost bound on both, and the
 * reader giving boxes in the pixels of the image as stored, with the turn in the page's reading.
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";
import {
  bestTurn,
  findOrientation,
  type OrientationSettings,
  sureLetters,
} from "../../src/pipeline/ocr/orientation.js";
import { type QuarterTurn, turnBox } from "../../src/pipeline/ocr/page-geometry.js";
import type { OcrEngine } from "../../src/pipeline/ocr/port.js";
import { fakeEngine, fakeHocr, readerWith } from "../support/ocr.js";

const SETTINGS: OrientationSettings = {
  mode: "auto",
  minConfidence: 2,
  maxPixels: 40_000,
  sureConfidence: 0.6,
};
const signal = new AbortController().signal;

/** A page 300 x 200 with a dark square in one corner: upright when the square is at the top left. */
function page(corner: "top-left" | "top-right" | "bottom-right" | "bottom-left"): Promise<Buffer> {
  const left = corner.endsWith("left") ? 10 : 240;
  const top = corner.startsWith("top") ? 10 : 140;
  const square = Buffer.from(
    `<svg width="300" height="200"><rect x="${left}" y="${top}" width="50" height="50"/></svg>`,
  );
  return sharp({ create: { width: 300, height: 200, channels: 3, background: "white" } })
    .composite([{ input: square }])
    .png()
    .toBuffer();
}

/** Whether the image's top-left quarter is the darkest: the square stands where upright puts it. */
async function upright(image: Uint8Array): Promise<boolean> {
  const { data, info } = await sharp(image).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
  const dark = [0, 0, 0, 0];
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++)
      if ((data[y * info.width + x] as number) < 128)
        (dark[(y < info.height / 2 ? 0 : 2) + (x < info.width / 2 ? 0 : 1)] as number)++;
  return (dark[0] as number) > Math.max(...dark.slice(1));
}

/** An engine without OSD that reads well only what stands upright, and records the size of each image. */
function readsUprightOnly(): OcrEngine & { sizes: string[] } {
  const sizes: string[] = [];
  return {
    name: "fake 1.0",
    models: new Set(["eng"]),
    sizes,
    async recognize(image) {
      const { width = 0, height = 0 } = await sharp(image).metadata();
      sizes.push(`${width}x${height}`);
      const sure = await upright(image);
      return `<div class='ocr_page'><span class='ocr_line' title='bbox 1 1 19 9'>
        <span class='ocrx_word' title='bbox 1 1 9 9; x_wconf ${sure ? 93 : 20}'>Aufklärung</span>
        <span class='ocrx_word' title='bbox 11 1 19 9; x_wconf ${sure ? 90 : 35}'>Ausgang</span></span></div>`;
    },
    async close() {},
  };
}

describe("finding the orientation with tesseract's OSD", () => {
  it("follows its answer from OCR_ORIENTATION_MIN_CONFIDENCE, and reads the page as it is below", async () => {
    for (const [confidence, turn] of [
      [10.97, 270],
      [2, 270],
      [1.5, 0],
    ] as const) {
      const engine = fakeEngine({ orientation: { turn: 270, confidence } });
      const found = await findOrientation(engine, await page("top-left"), ["eng"], SETTINGS, {
        signal,
        charge: () => {},
      });
      expect(found).toBe(turn);
    }
  });

  it("reads the page as it is when OSD cannot tell", async () => {
    const engine: OcrEngine = { ...fakeEngine(), detectOrientation: async () => undefined };
    const found = await findOrientation(engine, await page("top-left"), ["eng"], SETTINGS, {
      signal,
      charge: () => {},
    });
    expect(found).toBe(0);
  });

  it("gives it the page scaled down to OCR_ORIENTATION_PIXELS at most, charged to the budget", async () => {
    const seen: string[] = [];
    const engine: OcrEngine = {
      ...fakeEngine(),
      async detectOrientation(image) {
        const { width, height } = await sharp(image).metadata();
        seen.push(`${width}x${height}`);
        return { turn: 0, confidence: 9 };
      },
    };
    const charged: number[] = [];
    const options = { signal, charge: (pixels: number) => charged.push(pixels) };
    await findOrientation(
      engine,
      await page("top-left"),
      ["eng"],
      { ...SETTINGS, maxPixels: 15_000 },
      options,
    );
    await findOrientation(
      engine,
      await page("top-left"),
      ["eng"],
      { ...SETTINGS, maxPixels: 100_000 },
      options,
    );
    // 300 x 200 is 60,000 pixels: half the side for a quarter of them; as it is when within.
    expect(seen).toEqual(["150x100", "300x200"]);
    expect(charged).toEqual([15_000, 60_000]);
  });
});

describe("finding the orientation without OSD", () => {
  it.each([
    ["top-left", 0],
    ["top-right", 270],
    ["bottom-right", 180],
    ["bottom-left", 90],
  ] as const)("turns a page with the square at the %s by %i degrees", async (corner, turn) => {
    const engine = readsUprightOnly();
    const found = await findOrientation(engine, await page(corner), ["eng"], SETTINGS, {
      signal,
      charge: () => {},
    });
    expect(found).toBe(turn);
  });

  it("reads the four turns each scaled to a quarter of OCR_ORIENTATION_PIXELS, charged to the budget", async () => {
    const engine = readsUprightOnly();
    const charged: number[] = [];
    await findOrientation(engine, await page("bottom-right"), ["eng"], SETTINGS, {
      signal,
      charge: (pixels) => charged.push(pixels),
    });
    // A quarter of 40,000 is 10,000 pixels: 122 x 82 of the 300 x 200 page, turned.
    expect(engine.sizes).toEqual(["122x82", "82x122", "122x82", "82x122"]);
    expect(charged).toEqual([10_004, 10_004, 10_004, 10_004]);
  });

  it("counts the letters read surely on lines across the image only: tesseract reads sideways lines too", () => {
    const word = (text: string, confidence: number) => ({ text, confidence });
    const lines = (box: { x: number; y: number; width: number; height: number }) => [
      { lines: [{ box, words: [word("Aufklärung", 0.93), word("ist", 0.4), word("1784", 0.95)] }] },
    ];
    expect(sureLetters(lines({ x: 0, y: 0, width: 400, height: 40 }), 0.6)).toBe(10);
    expect(sureLetters(lines({ x: 0, y: 0, width: 40, height: 400 }), 0.6)).toBe(0);
  });

  it("turns only for twice the letters read surely upright: a wrong turn costs more than a missed one", () => {
    const letters = (counts: number[]) =>
      new Map(counts.map((count, i) => [([0, 90, 180, 270] as QuarterTurn[])[i] as QuarterTurn, count]));
    expect(bestTurn(letters([573, 22, 25, 592]))).toBe(0);
    expect(bestTurn(letters([22, 592, 573, 25]))).toBe(90);
    expect(bestTurn(letters([100, 150, 199, 0]))).toBe(0);
    expect(bestTurn(letters([100, 150, 200, 0]))).toBe(180);
    expect(bestTurn(letters([0, 0, 0, 0]))).toBe(0);
  });
});

describe("a page read turned", () => {
  it("gives its boxes in the image as stored, and says how it was turned", async () => {
    const engine = fakeEngine({ orientation: { turn: 90, confidence: 10 } });
    const ocr = readerWith(engine, { env: { OCR_ORIENTATION: "auto" } });
    const stored = await sharp({ create: { width: 300, height: 200, channels: 3, background: "white" } })
      .png()
      .toBuffer();
    const document = await ingest(stored, { maxPages: 1, ocr, hints: {} });
    const [read] = document.pages;
    expect(read).toMatchObject({ width: 300, height: 200, reading: { method: "ocr", rotation: 90 } });
    // The engine read the page turned upright, 200 x 300; its boxes (fixed fractions of that image)
    // are turned back by 270 degrees onto the 300 x 200 page.
    expect((await sharp(engine.calls[0]).metadata()).width).toBe(200);
    const expected = boxesOf(fakeHocr(200, 300, "Page1")).map((box) =>
      turnBox(box, 270, { width: 200, height: 300 }),
    );
    expect(read?.layout?.lines[0]?.words.map((word) => word.box)).toEqual(expected);
  });

  it("is read as it is with OCR_ORIENTATION=off, its reading saying nothing of a turn", async () => {
    const engine = fakeEngine({ orientation: { turn: 90, confidence: 10 } });
    const document = await ingest(await page("top-left"), {
      maxPages: 1,
      ocr: readerWith(engine),
      hints: {},
    });
    expect((await sharp(engine.calls[0]).metadata()).width).toBe(300);
    expect(document.pages[0]?.reading).not.toHaveProperty("rotation");
  });
});

/** The word boxes of an hOCR line, in order. */
function boxesOf(hocr: string) {
  return [...hocr.matchAll(/ocrx_word' title='bbox (\d+) (\d+) (\d+) (\d+)/g)].map(([, x0, y0, x1, y1]) => ({
    x: Number(x0),
    y: Number(y0),
    width: Number(x1) - Number(x0),
    height: Number(y1) - Number(y0),
  }));
}
