import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { buildEncryptedPdf, buildPdf, buildTruncatedPdf, FRENCH_PAGES } from "../support/pdf-fixtures.js";

const options = { maxPages: 10 };

describe("ingest of PDF files", () => {
  it("reads the text layer page by page with exact page offsets", async () => {
    const bytes = await buildPdf(FRENCH_PAGES);
    const document = await ingest(bytes, { ...options, filename: "acte.pdf" });

    expect(document.mediaType).toBe("application/pdf");
    expect(document.encoding).toBeUndefined();
    expect(document.language).toBeUndefined();
    expect(document.byteLength).toBe(bytes.byteLength);
    expect(document.warnings).toEqual([]);
    expect(document.pages.map(({ number, needsOcr }) => ({ number, needsOcr }))).toEqual([
      { number: 1, needsOcr: false },
      { number: 2, needsOcr: false },
    ]);
    document.pages.forEach((page, i) => {
      // pdf-parse keeps printed line breaks and line-end hyphens: the page reads as drawn.
      expect(document.text.slice(page.start, page.end)).toBe(FRENCH_PAGES[i]?.join("\n"));
    });
    const [first, second] = document.pages;
    expect(first?.start).toBe(0);
    expect(document.text.slice(first?.end, second?.start)).toBe("\n\n");
    expect(second?.end).toBe(document.text.length);
  });

  it("identifies the document by the sha256 of its bytes and leaves the bytes intact", async () => {
    const bytes = await buildPdf(FRENCH_PAGES);
    const before = createHash("sha256").update(bytes).digest("hex");
    const document = await ingest(bytes, options);
    expect(document.id).toBe(before);
    // pdf.js transfers the array it is given; ingest must hand it a copy.
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(before);
  });

  it("marks a page without text for OCR and warns about it", async () => {
    const document = await ingest(await buildPdf([["Première page."], [], ["Troisième page."]]), options);
    expect(document.pages.map((page) => page.needsOcr)).toEqual([false, true, false]);
    expect(document.warnings).toEqual([
      { code: "PAGE_NEEDS_OCR", page: 2, message: expect.stringContaining("Page 2 has no text layer") },
    ]);
    const third = document.pages[2];
    expect(document.text.slice(third?.start, third?.end)).toBe("Troisième page.");
  });

  it("refuses a password-protected PDF", async () => {
    await expect(ingest(await buildEncryptedPdf(), options)).rejects.toMatchObject({
      code: "ENCRYPTED_PDF",
      message: expect.stringContaining("password"),
    });
  });

  it("refuses a truncated PDF as corrupt", async () => {
    await expect(ingest(await buildTruncatedPdf(), options)).rejects.toMatchObject({
      code: "CORRUPT_DOCUMENT",
      message: expect.stringContaining("damaged or incomplete"),
    });
  });

  it("refuses a PDF with more pages than allowed, and reads it when allowed", async () => {
    const bytes = await buildPdf([["Un."], ["Deux."], ["Trois."]]);
    await expect(ingest(bytes, { maxPages: 2 })).rejects.toMatchObject({
      code: "TOO_MANY_PAGES",
      message: expect.stringContaining("3 pages"),
      details: { pages: 3, maxPages: 2 },
    });
    const document = await ingest(bytes, { maxPages: 3 });
    expect(document.text).toBe("Un.\n\nDeux.\n\nTrois.");
  });
});
