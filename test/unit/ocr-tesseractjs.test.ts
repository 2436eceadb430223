/**
 * tesseract.js offline: models only from the folder assembled under DATA_DIR, unpacked models
 * cached there too, workers reused, and a worker given up mid-page replaced by a fresh one.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import Tesseract from "tesseract.js";
import { afterAll, describe, expect, it, vi } from "vitest";
import { assembleTessdata } from "../../src/pipeline/ocr/tessdata.js";
import { createTesseractJsEngine } from "../../src/pipeline/ocr/tesseractjs.js";
import { KANT_IMAGE } from "../support/ocr.js";

const dataDir = mkdtempSync(join(tmpdir(), "palimpsest-tesseractjs-"));
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
/** Line 3 of the Kant page, "Zwölftes Stük. December." (ALTO TextLine tl_3), with a margin. */
const line = () =>
  sharp(KANT_IMAGE).extract({ left: 232, top: 548, width: 566, height: 92 }).png().toBuffer();

const tessdata = await assembleTessdata(dataDir);
const engine = createTesseractJsEngine({ tessdata, maxWorkers: 1, log: silent });
afterAll(() => engine.close());

describe("tesseract.js engine", () => {
  it("offers the npm data packages' models from one folder under DATA_DIR", () => {
    expect([...tessdata.models]).toEqual(expect.arrayContaining(["eng", "fra", "osd"]));
    expect(tessdata.langPath).toBe(join(dataDir, "ocr", "tesseract.js", "lang"));
    expect(tessdata.cachePath.startsWith(join(dataDir, "ocr", "tesseract.js", "cache"))).toBe(true);
  });

  it("reads a line with a worker it keeps for the next page, caching the model under DATA_DIR", async () => {
    const created = vi.spyOn(Tesseract, "createWorker");
    const image = await line();
    const first = await engine.recognize(image, ["eng"], new AbortController().signal);
    const second = await engine.recognize(image, ["eng"], new AbortController().signal);
    expect(first).toContain("ocr_page");
    expect(first).toMatch(/December/);
    expect(second).toBe(first);
    expect(created).toHaveBeenCalledTimes(1);
    expect(readdirSync(tessdata.langPath)).toContain("eng.traineddata.gz");
    expect(readdirSync(tessdata.cachePath)).toContain("eng.traineddata");
    // Left to itself, tesseract.js writes its cache into the working directory.
    expect(existsSync(join(process.cwd(), "eng.traineddata"))).toBe(false);
    created.mockRestore();
  });

  it("replaces a worker whose page was given up, and reads the next page", async () => {
    const image = await line();
    const controller = new AbortController();
    const page = engine.recognize(image, ["fra"], controller.signal);
    setTimeout(() => controller.abort(new Error("page timed out")), 50);
    await expect(page).rejects.toThrow("page timed out");
    await expect(engine.recognize(image, ["eng"], new AbortController().signal)).resolves.toMatch(/December/);
  });
});
