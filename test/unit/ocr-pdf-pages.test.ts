/**
 * The per-page choice for PDFs, with PDFs generated here and a stand-in engine: the text layer
 * where it is real, OCR of the embedded scan where a page is one, a rendering otherwise, and a
 * garbage text layer replaced (and said so).
 */
import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
  StandardFonts,
} from "pdf-lib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { blankPage, fakeEngine, readerWith } from "../support/ocr.js";

/** A scan: 600 x 800 pixels on a 2 x 2.67 inch page, i.e. 300 dpi. */
const SCAN = { width: 600, height: 800, points: [144, 192] as [number, number] };
const GARBAGE =
  "Jlnb ba fic bcn ©runb bcr 9lbfid)t, »ic cö ^eiftt, cinc§ ^crrn ©dincibcr, bcn ?8ürgcr unb ^cm";

async function mixedPdf(): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const scan = await document.embedPng(await blankPage(SCAN.width, SCAN.height));
  const [w, h] = SCAN.points;

  document.addPage([w, h]).drawText("Acte de naissance.", { x: 10, y: 150, size: 10, font });
  document.addPage([w, h]).drawImage(scan, { x: 0, y: 0, width: w, height: h });
  const layered = document.addPage([w, h]);
  layered.drawImage(scan, { x: 0, y: 0, width: w, height: h });
  // An invisible OCR layer of the kind old digitisations carry, and garbage.
  layered.drawText(GARBAGE, { x: 5, y: 100, size: 4, font, opacity: 0 });
  // A small picture on a page: not a scan of the page, so the page is rendered.
  document.addPage([w, h]).drawImage(scan, { x: 20, y: 20, width: 60, height: 80 });
  return document.save();
}

describe("PDF pages: text layer, or OCR of the embedded scan or of a rendering", () => {
  it("chooses per page, reads with OCR where needed and says how each page was read", async () => {
    const engine = fakeEngine();
    const document = await ingest(await mixedPdf(), {
      maxPages: 10,
      ocr: readerWith(engine, { parallelPages: 1 }),
    });
    const [text, scan, garbage, picture] = document.pages;
    expect(text).toMatchObject({ needsOcr: false, reading: { method: "text-layer" } });
    expect(text?.layout).toBeUndefined();
    expect(document.text.slice(text?.start, text?.end)).toBe("Acte de naissance.");
    expect(scan).toMatchObject({
      width: 600,
      height: 800,
      reading: { method: "ocr", reason: "no-text-layer", image: "embedded", dpi: 300, engine: "fake 1.0" },
    });
    expect(garbage).toMatchObject({
      reading: { method: "ocr", reason: "garbage-text-layer", image: "embedded" },
    });
    expect(document.text.slice(garbage?.start, garbage?.end)).not.toContain("bcr");
    expect(picture).toMatchObject({
      reading: { method: "ocr", reason: "no-text-layer", image: "rendered", dpi: 150 },
    });
    // Rendered at 150 dpi: a 144 x 192 point page is 300 x 400 pixels, and boxes are in those pixels.
    expect(picture).toMatchObject({ width: 300, height: 400 });
    expect(picture?.layout?.lines[0]?.words[0]?.box).toEqual({ x: 30, y: 40, width: 30, height: 40 });
    expect(document.warnings).toEqual([
      {
        code: "TEXT_LAYER_REPLACED",
        page: 3,
        message: expect.stringMatching(
          /text layer of page 3 looks like garbage \(\d+% .*read by OCR instead/,
        ),
      },
    ]);
  });

  it("keeps a garbage layer and reports scans when there is no OCR", async () => {
    const document = await ingest(await mixedPdf(), { maxPages: 10 });
    expect(document.pages.map((p) => [p.needsOcr, p.reading?.method])).toEqual([
      [false, "text-layer"],
      [true, undefined],
      [false, "text-layer"],
      [true, undefined],
    ]);
    expect(document.warnings.map((w) => [w.code, w.page])).toEqual([
      ["PAGE_NEEDS_OCR", 2],
      ["TEXT_LAYER_GARBAGE", 3],
      ["PAGE_NEEDS_OCR", 4],
    ]);
  });

  it("reports a scanned page the engine fails on and keeps the text of the others", async () => {
    const engine = fakeEngine({ behave: (call) => (call === 0 ? "crash" : "read") });
    const document = await ingest(await mixedPdf(), {
      maxPages: 10,
      ocr: readerWith(engine, { parallelPages: 1 }),
    });
    expect(document.pages.map((p) => p.needsOcr)).toEqual([false, true, false, false]);
    expect(document.warnings.map((w) => [w.code, w.page])).toEqual([
      ["OCR_FAILED", 2],
      ["TEXT_LAYER_REPLACED", 3],
    ]);
  });

  it("takes a bilevel scan (one bit a pixel, as most archive scans) at its own pixels", async () => {
    // 64 x 32 pixels, white, with a black bar over the left half of rows 8 to 15.
    const [width, height, rowBytes] = [64, 32, 8];
    const bits = new Uint8Array(rowBytes * height).fill(0xff);
    for (let y = 8; y < 16; y++) bits.fill(0, y * rowBytes, y * rowBytes + rowBytes / 2);
    const document = await PDFDocument.create();
    const page = document.addPage([(width * 72) / 300, (height * 72) / 300]);
    const image = document.context.stream(bits, {
      Type: "XObject",
      Subtype: "Image",
      Width: width,
      Height: height,
      BitsPerComponent: 1,
      ColorSpace: "DeviceGray",
    });
    const name = page.node.newXObject("Scan", document.context.register(image));
    page.pushOperators(
      pushGraphicsState(),
      concatTransformationMatrix(page.getWidth(), 0, 0, page.getHeight(), 0, 0),
      drawObject(name),
      popGraphicsState(),
    );
    const engine = fakeEngine();
    const read = await ingest(await document.save(), { maxPages: 1, ocr: readerWith(engine) });
    expect(read.pages[0]).toMatchObject({ width, height, reading: { image: "embedded", dpi: 300 } });
    expect((await sharp(engine.calls[0]).metadata()).channels).toBe(1);
    const data = await sharp(engine.calls[0]).toColourspace("b-w").raw().toBuffer();
    expect([data[10 * width + 5], data[10 * width + 50], data[2 * width + 5]]).toEqual([0, 255, 255]);
  });

  it("refuses a 2,000-page PDF before reading any page", async () => {
    const document = await PDFDocument.create();
    for (let i = 0; i < 2000; i++) document.addPage([100, 100]);
    const engine = fakeEngine();
    await expect(
      ingest(await document.save(), { maxPages: 500, ocr: readerWith(engine) }),
    ).rejects.toMatchObject({
      code: "TOO_MANY_PAGES",
      details: { pages: 2000, maxPages: 500 },
    });
    expect(engine.calls).toHaveLength(0);
  });
});
