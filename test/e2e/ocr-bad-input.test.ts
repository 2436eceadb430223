/**
 * Bad inputs for OCR and XML import, each sent as a user would, over the API: each gets a clear
 * error (or, for pages the engine fails on, a report while the rest is read), and the service
 * stays up.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { blankPage, fakeHocr, pngDeclaring } from "../support/ocr.js";

const folder = mkdtempSync(join(tmpdir(), "palimpsest-bad-input-"));

/**
 * A tesseract stand-in, put first on PATH: it reads its first page, crashes on its second and hangs
 * on the others, as an engine can on damaged scans.
 */
function installFakeTesseract(): string {
  const bin = join(folder, "bin");
  mkdirSync(bin);
  const counter = join(folder, "calls");
  const hocr = join(folder, "page.hocr");
  writeFileSync(hocr, fakeHocr(300, 400, "Reims"));
  writeFileSync(
    join(bin, "tesseract"),
    `#!/bin/sh
case "$1" in
  --version) echo "tesseract 5.0.0-fake"; exit 0 ;;
  --list-langs) echo 'List of available languages in "${folder}/" (1):'; echo eng; exit 0 ;;
esac
cat > /dev/null
echo call >> "${counter}"
case $(wc -l < "${counter}") in
  1) cat "${hocr}" ;;
  2) echo "Segmentation fault" >&2; kill -SEGV $$ ;;
  *) exec sleep 60 ;;
esac
`,
  );
  chmodSync(join(bin, "tesseract"), 0o755);
  return bin;
}

const path = process.env.PATH;
let harness: Harness;

beforeAll(async () => {
  process.env.PATH = `${installFakeTesseract()}${delimiter}${path}`;
  harness = await startHarness({
    server: { respond: lexiconModel([{ type: "place", text: "Reims" }]) },
    // Orientation off: without an osd model, finding it would read each page four more times.
    env: {
      OCR_ENGINE: "native",
      OCR_PARALLEL_PAGES: "1",
      OCR_PAGE_TIMEOUT_MS: "1000",
      OCR_ORIENTATION: "off",
      DATA_DIR: folder,
    },
  });
});

afterAll(async () => {
  process.env.PATH = path;
  await harness.close();
});

async function post(bytes: Uint8Array, type: string) {
  const response = await harness.app.inject({
    method: "POST",
    url: "/v1/extract",
    payload: Buffer.from(bytes),
    headers: { "content-type": type },
  });
  return { status: response.statusCode, body: response.json() };
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("bad inputs, over the API", () => {
  it.each([
    [
      "a corrupt image",
      async () => (await blankPage(300, 300)).subarray(0, 60),
      "image/png",
      422,
      "CORRUPT_DOCUMENT",
    ],
    ["a decompression bomb", async () => pngDeclaring(50_000, 50_000), "image/png", 422, "IMAGE_TOO_LARGE"],
    [
      "an XML bomb",
      async () =>
        utf8(
          `<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><alto><Layout><Page><TextBlock><TextLine><String CONTENT="&b;"/></TextLine></TextBlock></Page></Layout></alto>`,
        ),
      "application/xml",
      422,
      "UNSAFE_XML",
    ],
    [
      "an external entity in PAGE",
      async () =>
        utf8(
          `<?xml version="1.0"?><!DOCTYPE PcGts [<!ENTITY x SYSTEM "file:///etc/passwd">]><PcGts><Page><TextRegion><TextEquiv><Unicode>&x;</Unicode></TextEquiv></TextRegion></Page></PcGts>`,
        ),
      "text/xml",
      422,
      "UNSAFE_XML",
    ],
    [
      "an ALTO file with no text",
      async () => utf8(`<alto><Layout><Page WIDTH="10" HEIGHT="10"><PrintSpace/></Page></Layout></alto>`),
      "application/xml",
      400,
      "EMPTY_DOCUMENT",
    ],
    [
      "a 2,000-page PDF",
      async () => {
        const pdf = await PDFDocument.create();
        for (let i = 0; i < 2000; i++) pdf.addPage([100, 100]);
        return pdf.save();
      },
      "application/pdf",
      422,
      "TOO_MANY_PAGES",
    ],
  ])("refuses %s with a clear error", async (_name, make, type, status, code) => {
    const { status: answered, body } = await post(await make(), type);
    expect(answered).toBe(status);
    expect(body.error).toMatchObject({ code, message: expect.any(String) });
    expect((await harness.app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
  });

  it("reads the pages the engine manages, and reports the one it crashes on and the one it hangs on", async () => {
    const pages = await Promise.all([1, 2, 3].map(() => blankPage(300, 400)));
    const tiff = await sharp(pages, { join: { animated: true } })
      .tiff()
      .toBuffer();
    const { status, body } = await post(tiff, "image/tiff");
    expect(status).toBe(200);
    const result = body as Extraction;
    expect(result.document.pages.map((page) => [page.number, page.needsOcr, page.reading?.method])).toEqual([
      [1, false, "ocr"],
      [2, true, undefined],
      [3, true, undefined],
    ]);
    expect(result.warnings).toEqual([
      { code: "OCR_FAILED", page: 2, message: expect.stringContaining("killed by SIGSEGV") },
      { code: "OCR_FAILED", page: 3, message: expect.stringContaining("timed out after 1000 ms") },
    ]);
    expect(result.entities).toMatchObject([
      { text: "Reims", page: 1, bbox: { x: 120, y: 40, width: 30, height: 40 } },
    ]);
  });
});
