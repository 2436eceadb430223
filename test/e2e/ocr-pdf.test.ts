/**
 * A mixed PDF generated here (a born-digital page, a scanned page, a scan under a garbage OCR layer)
 * through the whole product with tesseract.js: each page read its own way, and the boxes of a
 * mention on the scan where the ground truth puts its words.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";
import { hasFraktur, KANT_IMAGE, warnSkipped } from "../support/ocr.js";

/** Lines 5 and 6 of the Kant page, "Beantwortung der Frage: / Was iſt Aufklärung?", with a margin. */
const CROP = { left: 167, top: 795, width: 703, height: 156 };
/** "Beantwortung der Frage:" in the ground truth (PAGE TextLine tl_5), in crop pixels. */
const LINE = { x: 233 - CROP.left, y: 805 - CROP.top, width: 564, height: 55 };
const GARBAGE =
  "Jlnb ba fic bcn ©runb bcr 9lbfid)t, »ic cö ^eiftt, cinc§ ^crrn ©dincibcr, bcn ?8ürgcr unb ^cm";

async function mixedPdf(): Promise<Uint8Array> {
  const scan = await sharp(KANT_IMAGE).extract(CROP).jpeg({ quality: 90 }).toBuffer();
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const image = await document.embedJpg(scan);
  // 300 dpi: the scan's pixels at 72/300 of a point each.
  const [w, h] = [(CROP.width * 72) / 300, (CROP.height * 72) / 300];
  document.addPage([w, h]).drawText("Berlinische Monatsschrift, 1784.", { x: 5, y: 20, size: 8, font });
  document.addPage([w, h]).drawImage(image, { x: 0, y: 0, width: w, height: h });
  const layered = document.addPage([w, h]);
  layered.drawImage(image, { x: 0, y: 0, width: w, height: h });
  layered.drawText(GARBAGE, { x: 2, y: 10, size: 3, font, opacity: 0 });
  return document.save();
}

// tesseract.js reads this Fraktur scan with Debian's Fraktur model (its npm models have none): without
// it, the fallback English model misplaces the words and the boxes cannot be checked.
if (!hasFraktur)
  warnSkipped("tesseract.js with the Fraktur model on a mixed PDF", "tesseract-ocr tesseract-ocr-frk");

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    server: { respond: lexiconModel([{ type: "work", text: "Beantwortung der Frage" }]) },
    env: { OCR_ENGINE: "tesseractjs", DATA_DIR: mkdtempSync(join(tmpdir(), "palimpsest-pdf-")) },
  });
});
afterAll(async () => {
  await harness.services.ocr.close();
  await harness.close();
});

describe.skipIf(!hasFraktur)("a mixed PDF with tesseract.js", () => {
  it("keeps the text layer, reads the scan, replaces the garbage layer, and boxes mentions on the scan", async () => {
    const { payload, headers } = await multipartBody(
      { bytes: await mixedPdf(), filename: "mixed.pdf", type: "application/pdf" },
      { language: "de", script: "Latf" },
    );
    const response = await harness.app.inject({ method: "POST", url: "/v1/extract", payload, headers });
    expect(response.statusCode).toBe(200);
    const result = response.json() as Extraction;
    const [born, scanned, layered] = result.document.pages;
    expect(born).toMatchObject({ reading: { method: "text-layer" } });
    expect(scanned).toMatchObject({
      width: CROP.width,
      height: CROP.height,
      reading: { method: "ocr", reason: "no-text-layer", image: "embedded", dpi: 300 },
    });
    expect(layered).toMatchObject({
      reading: { method: "ocr", reason: "garbage-text-layer", image: "embedded" },
    });
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: "TEXT_LAYER_REPLACED", page: 3 }));

    const onScans = result.entities.filter((mention) => mention.page >= 2);
    expect(onScans.map((mention) => mention.page)).toEqual([2, 3]);
    for (const mention of onScans) {
      const box = mention.bbox;
      expect(box).toBeDefined();
      if (!box) continue;
      // The mention's words are most of the ground truth's line: its left edge, its height (a speck
      // of ink above "Frage:" may join the last word), nearly its width, and nothing of the next line.
      expect(Math.abs(box.x - LINE.x)).toBeLessThan(15);
      expect(box.y).toBeLessThanOrEqual(LINE.y + 15);
      expect(box.y + box.height).toBeGreaterThanOrEqual(LINE.y + LINE.height - 15);
      expect(box.height).toBeLessThan(LINE.height * 2);
      expect(box.width).toBeGreaterThan(LINE.width * 0.8);
      expect(box.width).toBeLessThan(LINE.width * 1.1);
    }
  });
});
