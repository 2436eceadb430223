/**
 * Images through ingest with a stand-in engine whose answer is known: pages, preprocessing, boxes
 * back in page pixels, and every bad input (bomb, corrupt file, an engine that crashes or hangs).
 */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { blankPage, fakeEngine, pngDeclaring, readerWith } from "../support/ocr.js";

const words = (document: Awaited<ReturnType<typeof ingest>>, page = 0) =>
  document.pages[page]?.layout?.lines.flatMap((line) => line.words) ?? [];

describe("ingest of images", () => {
  it("reads a PNG by OCR and says how: engine, model, page size, words with their boxes and confidences", async () => {
    const engine = fakeEngine();
    const document = await ingest(await blankPage(800, 1000), { maxPages: 5, ocr: readerWith(engine) });
    expect(document.mediaType).toBe("image/png");
    expect(document.text).toBe("Jean Colbert Page1");
    expect(document.pages[0]).toMatchObject({
      needsOcr: false,
      width: 800,
      height: 1000,
      reading: {
        method: "ocr",
        reason: "image",
        engine: "fake 1.0",
        model: "eng",
        image: "file",
        confidence: 0.75,
      },
    });
    expect(words(document)[1]).toEqual({
      start: 5,
      end: 12,
      box: { x: 200, y: 100, width: 80, height: 100 },
      confidence: 0.4,
    });
  });

  it("reads every page of a multi-page TIFF", async () => {
    const pages = await Promise.all([1, 2, 3].map(() => blankPage(400, 600)));
    const tiff = await sharp(pages, { join: { animated: true } })
      .tiff()
      .toBuffer();
    const document = await ingest(tiff, { maxPages: 5, ocr: readerWith(fakeEngine(), { parallelPages: 1 }) });
    expect(document.mediaType).toBe("image/tiff");
    expect(document.pages.map((p) => [p.number, p.reading?.method, p.width, p.height])).toEqual([
      [1, "ocr", 400, 600],
      [2, "ocr", 400, 600],
      [3, "ocr", 400, 600],
    ]);
    expect(document.text).toBe("Jean Colbert Page1\n\nJean Colbert Page2\n\nJean Colbert Page3");
    await expect(ingest(tiff, { maxPages: 2, ocr: readerWith(fakeEngine()) })).rejects.toMatchObject({
      code: "TOO_MANY_PAGES",
      details: { pages: 3, maxPages: 2 },
    });
  });

  it("applies the recorded orientation and drops colour before OCR", async () => {
    const engine = fakeEngine();
    const sideways = await sharp(await blankPage(600, 400, 3))
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const document = await ingest(sideways, { maxPages: 5, ocr: readerWith(engine) });
    expect(document.pages[0]).toMatchObject({ width: 400, height: 600 });
    const seen = await sharp(engine.calls[0]).metadata();
    expect([seen.width, seen.height, seen.channels]).toEqual([400, 600, 1]);
  });

  it("upscales a low-resolution scan for the engine and gives the boxes in the page's own pixels", async () => {
    const engine = fakeEngine();
    const scan = await sharp(await blankPage(500, 700))
      .withMetadata({ density: 100 })
      .png()
      .toBuffer();
    const document = await ingest(scan, { maxPages: 5, ocr: readerWith(engine) });
    const seen = await sharp(engine.calls[0]).metadata();
    expect([seen.width, seen.height]).toEqual([1500, 2100]);
    expect(document.pages[0]).toMatchObject({ width: 500, height: 700 });
    expect(words(document)[0]?.box).toEqual({ x: 50, y: 70, width: 50, height: 70 });
  });

  it("refuses a decompression bomb from its header, before decoding it", async () => {
    const engine = fakeEngine();
    await expect(
      ingest(pngDeclaring(50_000, 50_000), { maxPages: 5, ocr: readerWith(engine) }),
    ).rejects.toMatchObject({
      code: "IMAGE_TOO_LARGE",
      message: expect.stringContaining("50000 x 50000 pixels"),
    });
    expect(engine.calls).toHaveLength(0);
  });

  it("refuses a corrupt image as such", async () => {
    const png = await blankPage(300, 300);
    const damaged = Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 0x5a)]);
    await expect(ingest(damaged, { maxPages: 5, ocr: readerWith(fakeEngine()) })).rejects.toMatchObject({
      code: "CORRUPT_DOCUMENT",
      message: expect.stringContaining("The image cannot be decoded"),
    });
  });

  it("reports a page the engine crashes on or hangs on, and reads the others", async () => {
    const pages = await Promise.all([1, 2, 3].map(() => blankPage(300, 400)));
    const tiff = await sharp(pages, { join: { animated: true } })
      .tiff()
      .toBuffer();
    const engine = fakeEngine({ behave: (call) => (call === 1 ? "crash" : call === 2 ? "hang" : "read") });
    const ocr = readerWith(engine, { parallelPages: 1, pageTimeoutMs: 1000 });
    const document = await ingest(tiff, { maxPages: 5, ocr });
    expect(document.pages.map((p) => p.needsOcr)).toEqual([false, true, true]);
    expect(document.text).toBe("Jean Colbert Page1\n\n\n\n");
    expect(document.warnings).toEqual([
      { code: "OCR_FAILED", page: 2, message: expect.stringContaining("engine crashed (simulated)") },
      { code: "OCR_FAILED", page: 3, message: expect.stringContaining("timed out after 1000 ms") },
    ]);
  });

  it("fails with OCR_FAILED when no page could be read", async () => {
    const ocr = readerWith(fakeEngine({ behave: () => "crash" }));
    await expect(ingest(await blankPage(300, 300), { maxPages: 5, ocr })).rejects.toMatchObject({
      code: "OCR_FAILED",
      message: expect.stringContaining("page 1: fake 1.0 failed on this page: engine crashed"),
    });
  });
});
