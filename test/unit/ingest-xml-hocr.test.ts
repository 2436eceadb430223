import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { fixture } from "../support/ocr.js";

const options = { maxPages: 10 };
const utf8 = (text: string) => new TextEncoder().encode(text);

describe("hOCR import", () => {
  it("reads tesseract's hOCR: words with boxes and confidences, paragraphs apart", async () => {
    const document = await ingest(readFileSync(fixture("formats/hocr/hocr-tools_tess.hocr")), options);
    const [page] = document.pages;
    expect(document.mediaType).toBe("text/vnd.hocr+html");
    expect(page).toMatchObject({ width: 2488, height: 3507, reading: { method: "hocr" } });
    expect(document.text.startsWith("1 Down the Rabbit-Hole\n\nAlice was beginning to get very tired")).toBe(
      true,
    );
    const words = page?.layout?.lines.flatMap((line) => line.words) ?? [];
    expect(words).toHaveLength(503);
    // <span class='ocrx_word' title='bbox 588 528 787 581; x_wconf 91'>Down</span>
    expect(words[1]).toEqual({
      start: 2,
      end: 6,
      box: { x: 588, y: 528, width: 199, height: 53 },
      confidence: 0.91,
    });
    for (const word of words) expect(document.text.slice(word.start, word.end)).toMatch(/^\S+$/);
  });

  it("reads line-level hOCR (ocropy) with an entity in it", async () => {
    const document = await ingest(
      readFileSync(fixture("formats/hocr/hocr-tools_litver_ocropy.hocr.html")),
      options,
    );
    const lines = document.pages[0]?.layout?.lines ?? [];
    expect(lines).toHaveLength(105);
    expect(lines.every((line) => line.words.length === 0 && line.box !== undefined)).toBe(true);
    expect(document.text.split("\n")[3]).toBe("In: Bayerische Verwaltungsbl\\&ttcr S. 33--43, 74-79.");
  });

  it("knows the HTML entities hOCR writers use", async () => {
    const hocr = `<html><body><div class="ocr_page" title="bbox 0 0 100 100"><span class="ocr_line" title="bbox 0 0 90 10"><span class="ocrx_word" title="bbox 0 0 40 10">M.&nbsp;Colbert&hellip;</span></span></div></body></html>`;
    const document = await ingest(utf8(hocr), options);
    expect(document.text).toBe("M.\u00A0Colbert…");
  });

  it("refuses HTML that is not hOCR", async () => {
    await expect(ingest(utf8("<html><body><p>Bonjour</p></body></html>"), options)).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
    });
  });
});
