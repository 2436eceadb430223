import { createHash } from "node:crypto";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";

const FRENCH =
  "Œuvres de M. de Voltaire : l’édition de 1785 coûte 12 € à Genève.\n" +
  "Le cœur de l’affaire, dit-on, fut réglé à Besançon ; « Où est-il ? » demanda Mme Bérard.\n";
const GERMAN = "Die Bürger von Zürich beschlossen am Mittwoch, daß die Straßen gepflastert würden.\n";

const options = { maxPages: 10 };

function utf16be(text: string): Uint8Array {
  const bytes = Buffer.from(text, "utf16le");
  return bytes.swap16();
}

describe("ingest of text files", () => {
  it("reads UTF-8 and identifies the document by the sha256 of its bytes", async () => {
    const bytes = new TextEncoder().encode(FRENCH);
    const document = await ingest(bytes, options);
    expect(document).toMatchObject({
      id: createHash("sha256").update(bytes).digest("hex"),
      mediaType: "text/plain",
      encoding: "UTF-8",
      byteLength: bytes.byteLength,
      text: FRENCH,
      pages: [{ number: 1, start: 0, end: FRENCH.length, needsOcr: false }],
      warnings: [],
    });
    expect(document.language).toBeUndefined();
  });

  it("drops a UTF-8 byte-order mark from the text", async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(FRENCH)]);
    const document = await ingest(bytes, options);
    expect(document.text).toBe(FRENCH);
    expect(document.encoding).toBe("UTF-8");
    expect(document.byteLength).toBe(bytes.byteLength);
  });

  it("detects Windows-1252 from characters only it has (Œ œ € ’)", async () => {
    const bytes = iconv.encode(FRENCH, "windows-1252");
    // Œ, œ, € and ’ sit in 0x80-0x9F, where ISO-8859-1 has control codes.
    for (const byte of [0x8c, 0x9c, 0x80, 0x92]) expect(bytes.includes(byte)).toBe(true);
    const document = await ingest(bytes, options);
    expect(document.encoding).toBe("windows-1252");
    expect(document.text).toBe(FRENCH);
  });

  it("detects ISO-8859-1 German text", async () => {
    const document = await ingest(iconv.encode(GERMAN, "latin1"), options);
    expect(document.encoding).toBe("ISO-8859-1");
    expect(document.text).toBe(GERMAN);
  });

  it("detects a Central European encoding instead of assuming Windows-1252", async () => {
    const czech = "Příliš žluťoučký kůň úpěl ďábelské ódy. Praha je hlavní město Čech a Moravy.\n";
    const document = await ingest(iconv.encode(czech, "windows-1250"), options);
    expect(document.encoding).toBe("windows-1250");
    expect(document.text).toBe(czech);
  });

  it.each([
    ["UTF-16LE with BOM", () => Buffer.from(`\uFEFF${FRENCH}`, "utf16le"), "UTF-16LE"],
    ["UTF-16BE with BOM", () => utf16be(`\uFEFF${FRENCH}`), "UTF-16BE"],
    ["UTF-16LE without BOM", () => Buffer.from(FRENCH, "utf16le"), "UTF-16LE"],
    ["UTF-16BE without BOM", () => utf16be(FRENCH), "UTF-16BE"],
  ])("reads %s", async (_name, encode, encoding) => {
    const document = await ingest(encode(), options);
    expect(document.encoding).toBe(encoding);
    expect(document.text).toBe(FRENCH);
  });

  it("keeps characters outside the BMP and the text's own line breaks", async () => {
    const text = "𝔉rankfurt, den 3. März 1848.\r\nIm Namen des 🜍 Volkes\r\n";
    const document = await ingest(Buffer.from(text, "utf16le"), options);
    expect(document.text).toBe(text);
  });

  it("reads a UTF-8 file with a stray Latin-1 byte as UTF-8 and says what was replaced", async () => {
    const utf8 = FRENCH.repeat(3);
    const bytes = new Uint8Array([
      ...new TextEncoder().encode(utf8),
      ...iconv.encode("Ajouté à la main.\n", "latin1"),
    ]);
    const document = await ingest(bytes, options);
    expect(document.encoding).toBe("UTF-8");
    expect(document.text).toBe(`${utf8}Ajout\uFFFD \uFFFD la main.\n`);
    expect(document.warnings).toEqual([expect.objectContaining({ code: "LOSSY_DECODING" })]);
  });

  it("accepts the odd control character of an old text file", async () => {
    const text = `${FRENCH.repeat(3)}\x1a`;
    const document = await ingest(new TextEncoder().encode(text), options);
    expect(document.text).toBe(text);
  });
});
