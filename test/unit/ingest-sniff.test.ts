import { describe, expect, it } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { buildPdf } from "../support/pdf-fixtures.js";

const options = { maxPages: 10 };
const ascii = (text: string) => new TextEncoder().encode(text);
const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((part) => (typeof part === "string" ? [...ascii(part)] : part)));

/** Deterministic noise (xorshift32), so a failure can be replayed. */
function noise(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

describe("ingest sniffs the type from the content", () => {
  it.each([
    ["PNG", bytes([0x89], "PNG\r\n", [0x1a, 0x0a, 0, 0, 0, 13], "IHDR"), "image/png"],
    ["JPEG", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], "JFIF"), "image/jpeg"],
    ["TIFF", bytes("II*", [0, 8, 0, 0, 0]), "image/tiff"],
  ])("refuses a %s image when no OCR engine is given", async (_name, content, detected) => {
    await expect(ingest(content, options)).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: expect.stringContaining("no OCR engine is configured"),
      details: { detected },
    });
  });

  it("refuses a JPEG 2000 image, saying which formats are read", async () => {
    const jp2 = bytes([0, 0, 0, 0x0c], "jP  \r\n", [0x87, 0x0a]);
    await expect(ingest(jp2, options)).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: expect.stringContaining("TIFF, PNG or JPEG"),
      details: { detected: "JPEG 2000 image" },
    });
  });

  it.each([
    ["a ZIP archive", bytes("PK", [3, 4, 20, 0], "notes.txt"), "ZIP archive"],
    [
      "a DOCX document",
      bytes("PK", [3, 4, 20, 0], "[Content_Types].xml", "PK", [3, 4], "word/document.xml"),
      "Word document (DOCX)",
    ],
    ["a gzip file", bytes([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), "gzip archive"],
    [
      "a TEI file",
      ascii('\uFEFF<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><text/></TEI>'),
      "XML document (e.g. ALTO, PAGE or TEI)",
    ],
    ["a METS file", ascii('<mets:mets xmlns:mets="http://www.loc.gov/METS/"/>'), "METS document"],
  ])("refuses %s, naming it", async (_name, content, detected) => {
    await expect(ingest(content, options)).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
      details: { detected },
    });
  });

  it("refuses random bytes as binary data", async () => {
    await expect(ingest(noise(4096), options)).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
      details: { detected: "binary data of an unknown format" },
    });
  });

  it("judges binary data by its first 64 KiB, not diluted by what follows", async () => {
    // Control bytes first, then megabytes of text: over the whole file the controls are under 1%.
    const controls = new Uint8Array(64 * 1024).fill(1);
    const text = Buffer.from("Le notaire Jean Dupuis vendit la maison. ".repeat(200_000));
    await expect(ingest(Buffer.concat([controls, text]), options)).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
      details: { detected: "binary data of an unknown format" },
    });
    await expect(ingest(text, options)).resolves.toMatchObject({ text: expect.stringContaining("Dupuis") });
  });

  it("refuses a short binary header without NUL bytes", async () => {
    await expect(ingest(bytes([1, 2, 3, 4, 5, 6, 7, 8], "abc"), options)).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
    });
  });

  it("refuses a file named .pdf that holds text, saying it is not a PDF", async () => {
    const content = ascii("Registre des baptêmes de la paroisse Saint-Pierre, 1784.\n");
    await expect(ingest(content, { ...options, filename: "registre.PDF" })).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: expect.stringContaining('"registre.PDF" is presented as a PDF but is not one'),
    });
    await expect(
      ingest(content, { ...options, declaredType: "application/pdf; charset=binary" }),
    ).rejects.toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", details: { detected: "text/plain" } });
  });

  it("refuses an image named .pdf, naming both", async () => {
    const png = bytes([0x89], "PNG\r\n", [0x1a, 0x0a, 0, 0]);
    await expect(ingest(png, { ...options, filename: "scan.pdf" })).rejects.toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: expect.stringContaining('"scan.pdf" is not supported (detected: PNG image, not a PDF)'),
    });
  });

  it("reads text whatever name and type it was sent with", async () => {
    const content = ascii("Acte de mariage.\n");
    const document = await ingest(content, { ...options, filename: "acte.png", declaredType: "image/png" });
    expect(document.mediaType).toBe("text/plain");
    expect(document.text).toBe("Acte de mariage.\n");
  });

  it("reads a PDF whatever name it has, even after leading junk", async () => {
    const pdf = await buildPdf([["Acte de mariage."]]);
    const junk = bytes("Content-Type: application/octet-stream\r\n\r\n", [...pdf]);
    const document = await ingest(junk, { ...options, filename: "acte.txt" });
    expect(document.mediaType).toBe("application/pdf");
    expect(document.text).toBe("Acte de mariage.");
  });

  it.each([
    ["empty", new Uint8Array(0)],
    ["whitespace-only", ascii(" \n\t\r\n  ")],
    ["a lone BOM", bytes([0xef, 0xbb, 0xbf])],
    ["UTF-16 whitespace", bytes([0xff, 0xfe, 0x20, 0, 0x0a, 0])],
  ])("reports an %s file as empty, even when named .pdf", async (_name, content) => {
    await expect(ingest(content, options)).rejects.toMatchObject({ code: "EMPTY_DOCUMENT" });
    await expect(ingest(content, { ...options, filename: "vide.pdf" })).rejects.toMatchObject({
      code: "EMPTY_DOCUMENT",
    });
  });
});
