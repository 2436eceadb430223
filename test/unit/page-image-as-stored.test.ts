/** When a stored image can be sent as the page image unchanged: judged from its header alone. */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { isPageImageAsStored, type PageImageOptions } from "../../src/pipeline/ingest/page-image.js";

const options: PageImageOptions = { page: 1, maxWidth: 800, dpi: 300, maxPixels: 1_000_000 };
const paper = (width = 600, height = 800) =>
  sharp({ create: { width, height, channels: 3, background: "#e8dcc0" } });

describe("isPageImageAsStored", () => {
  it("takes an upright sRGB or grey JPEG no wider than asked, judged from its first bytes", async () => {
    const jpeg = await paper().jpeg().toBuffer();
    expect(await isPageImageAsStored(jpeg, options)).toBe(true);
    expect(await isPageImageAsStored(jpeg.subarray(0, 2048), options)).toBe(true);
    expect(await isPageImageAsStored(await paper().greyscale().jpeg().toBuffer(), options)).toBe(true);
    expect(await isPageImageAsStored(jpeg, { ...options, maxWidth: 600 })).toBe(true);
  });

  it.each([
    ["wider than asked", () => paper().jpeg().toBuffer(), { maxWidth: 599 }],
    ["over OCR_MAX_PIXELS", () => paper().jpeg().toBuffer(), { maxPixels: 479_999 }],
    ["a page past the first", () => paper().jpeg().toBuffer(), { page: 2 }],
    ["to be turned (EXIF)", () => paper().jpeg().withMetadata({ orientation: 6 }).toBuffer(), {}],
    ["in CMYK", () => paper().toColourspace("cmyk").jpeg().toBuffer(), {}],
    ["a PNG", () => paper().png().toBuffer(), {}],
  ])("refuses a JPEG %s, or another format", async (_, make, change) => {
    expect(await isPageImageAsStored(await make(), { ...options, ...change })).toBe(false);
  });

  it("says no when the header is cut before the image's size", async () => {
    const jpeg = await paper()
      .jpeg()
      .withMetadata({ exif: { IFD0: { ImageDescription: "x".repeat(4000) } } })
      .toBuffer();
    expect(await isPageImageAsStored(jpeg.subarray(0, 1000), options)).toBe(false);
    expect(await isPageImageAsStored(jpeg, options)).toBe(true);
  });
});
