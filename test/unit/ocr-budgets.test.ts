/**
 * OCR budgets with generated bombs (small files): a multi-page TIFF whose pages all point at one
 * dense strip, a PDF with a huge page, pages that hang; and the OCR slots going round between
 * requesters instead of first come, first served.
 */
import sharp from "sharp";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { OcrBudget } from "../../src/pipeline/ocr/budget.js";
import { blankPage, fakeEngine, readerWith, tiffReusingOneStrip } from "../support/ocr.js";
import { buildHugePagePdf, buildPdf } from "../support/pdf-fixtures.js";

const budgetSpent = (budget: "pixels" | "seconds") => ({
  code: "OCR_BUDGET_EXCEEDED",
  retryable: false,
  details: expect.objectContaining({ budget }),
});

describe("OCR budgets", () => {
  it("refuses a TIFF of 499 pages pointing at one dense 6000 x 6000 strip before reading any page", async () => {
    const bomb = tiffReusingOneStrip(6000, 6000, 499);
    expect(bomb.byteLength).toBeLessThan(200_000);
    const engine = fakeEngine();
    await expect(ingest(bomb, { maxPages: 500, ocr: readerWith(engine) })).rejects.toMatchObject({
      ...budgetSpent("pixels"),
      message: expect.stringContaining("OCR_DOCUMENT_PIXELS"),
    });
    expect(engine.calls).toHaveLength(0);
  });

  it("reads a TIFF within the budget, every page of the one strip", async () => {
    const engine = fakeEngine();
    const tiff = tiffReusingOneStrip(300, 400, 3);
    const document = await ingest(tiff, {
      maxPages: 5,
      ocr: readerWith(engine, { documentPixels: 360_000 }),
    });
    expect(document.pages.map((page) => [page.width, page.height, page.needsOcr])).toEqual([
      [300, 400, false],
      [300, 400, false],
      [300, 400, false],
    ]);
    await expect(
      ingest(tiff, { maxPages: 5, ocr: readerWith(fakeEngine(), { documentPixels: 359_999 }) }),
    ).rejects.toMatchObject(budgetSpent("pixels"));
  });

  it("gives the engine a large scan scaled down to OCR_PAGE_PIXELS, with boxes in the scan's own pixels", async () => {
    const engine = fakeEngine();
    const document = await ingest(await blankPage(4000, 3000), {
      maxPages: 1,
      ocr: readerWith(engine, { pagePixels: 3_000_000 }),
    });
    const seen = await sharp(engine.calls[0]).metadata();
    expect([seen.width, seen.height]).toEqual([2000, 1500]);
    expect(document.pages[0]).toMatchObject({ width: 4000, height: 3000 });
    const [first] = document.pages[0]?.layout?.lines[0]?.words ?? [];
    expect(first?.box).toEqual({ x: 400, y: 300, width: 400, height: 300 });
  });

  it("renders a PDF page of 14,400 points within OCR_PAGE_PIXELS, whatever OCR_DPI asks", async () => {
    const bomb = await buildHugePagePdf(14_400);
    expect(bomb.byteLength).toBeLessThan(2_000);
    const engine = fakeEngine();
    const document = await ingest(bomb, { maxPages: 1, ocr: readerWith(engine, { pagePixels: 2_000_000 }) });
    const seen = await sharp(engine.calls[0]).metadata();
    expect(seen.width * seen.height).toBeLessThanOrEqual(2_000_000);
    expect(seen.width).toBeGreaterThan(1_350);
    expect(document.pages[0]?.reading).toMatchObject({ method: "ocr", image: "rendered" });
  });

  it("fails a PDF as a whole once its pages pass OCR_DOCUMENT_PIXELS", async () => {
    const scan = { image: await blankPage(1000, 1000), dpi: 300 };
    const engine = fakeEngine();
    const pdf = await buildPdf([scan, scan, scan]);
    await expect(
      ingest(pdf, { maxPages: 5, ocr: readerWith(engine, { parallelPages: 1, documentPixels: 2_500_000 }) }),
    ).rejects.toMatchObject(budgetSpent("pixels"));
    expect(engine.calls).toHaveLength(2);
  });

  it("fails a document whose pages hang once they have spent OCR_DOCUMENT_SECONDS together, not retryable", async () => {
    const engine = fakeEngine({ behave: () => "hang" });
    const ocr = readerWith(engine, { parallelPages: 2, pageTimeoutMs: 600_000, documentSeconds: 1 });
    await expect(ingest(tiffReusingOneStrip(300, 400, 4), { maxPages: 5, ocr })).rejects.toMatchObject({
      ...budgetSpent("seconds"),
      message: expect.stringContaining("OCR_DOCUMENT_SECONDS"),
    });
    // Two pages at once spend the second together: the other two never reach the engine.
    expect(engine.calls).toHaveLength(2);
  });

  it("fails with OCR_TIMEOUT, not retryable, when every page runs out of OCR_PAGE_TIMEOUT_MS", async () => {
    const ocr = readerWith(fakeEngine({ behave: () => "hang" }), { pageTimeoutMs: 1000 });
    await expect(ingest(await blankPage(300, 300), { maxPages: 1, ocr })).rejects.toMatchObject({
      code: "OCR_TIMEOUT",
      retryable: false,
      message: expect.stringContaining("timed out after 1000 ms"),
    });
  });
});

describe("OCR slots", () => {
  it("go round between requesters: a 2-page scan is not read after all of a 6-page one", async () => {
    const engine = fakeEngine();
    const ocr = readerWith(engine, { parallelPages: 1 });
    const [a, b] = await Promise.all([blankPage(200, 300), blankPage(300, 200)]);
    const read = (bytes: Buffer, requester: string, budget: OcrBudget) =>
      ocr.read(async () => ({ bytes, origin: "file", reason: "image" }), ["eng"], {
        requester,
        budget,
        signal: new AbortController().signal,
      });
    const [budgetA, budgetB] = [ocr.budget(), ocr.budget()];
    await Promise.all([
      ...Array.from({ length: 6 }, () => read(a, "job-a", budgetA)),
      ...Array.from({ length: 2 }, () => read(b, "client-b", budgetB)),
    ]);
    expect(engine.calls.map((image) => (image === a ? "a" : "b")).join("")).toBe("aababaaa");
  });
});

describe("OcrBudget", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("counts the time of pages read at once together", () => {
    vi.useFakeTimers();
    const budget = new OcrBudget({ documentPixels: 100, documentSeconds: 10 }, () => Date.now());
    const stopFirst = budget.start();
    budget.start();
    vi.advanceTimersByTime(4_000);
    stopFirst();
    vi.advanceTimersByTime(1_999);
    expect(budget.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(budget.signal.reason).toMatchObject(budgetSpent("seconds"));
  });

  it("refuses pixels expected up front without counting them, and counts those charged", () => {
    const budget = new OcrBudget({ documentPixels: 100, documentSeconds: 10 });
    expect(() => budget.expect(101)).toThrow(expect.objectContaining(budgetSpent("pixels")));
    budget.expect(100);
    budget.charge(60);
    expect(() => budget.charge(41)).toThrow(expect.objectContaining(budgetSpent("pixels")));
    expect(budget.signal.aborted).toBe(true);
  });
});
