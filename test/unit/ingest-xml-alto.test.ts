import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { normalizeForModel } from "../../src/pipeline/normalize/index.js";
import type { Box, Page, SourceDocument } from "../../src/pipeline/types.js";
import { fixture, KANT_ALTO } from "../support/ocr.js";

const options = { maxPages: 10 };
const read = (path: string) => ingest(readFileSync(path), options);
const utf8 = (text: string) => new TextEncoder().encode(text);

function alto(body: string, unit = "pixel"): Uint8Array {
  return utf8(`<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#">
  <Description><MeasurementUnit>${unit}</MeasurementUnit></Description>
  <Layout><Page ID="p1" WIDTH="2000" HEIGHT="3000"><PrintSpace>${body}</PrintSpace></Page></Layout>
</alto>`);
}

const inside = (box: Box, page: Page) =>
  box.x >= 0 &&
  box.y >= 0 &&
  box.x + box.width <= (page.width ?? 0) &&
  box.y + box.height <= (page.height ?? 0);

function words(document: SourceDocument) {
  return document.pages.flatMap((page) => page.layout?.lines.flatMap((line) => line.words) ?? []);
}

describe("ALTO import", () => {
  it("reads the Kant ground truth (ALTO v2): every String, in order, with its box inside the page", async () => {
    const document = await read(KANT_ALTO);
    const [page] = document.pages;
    expect(document.mediaType).toBe("application/alto+xml");
    expect(page).toMatchObject({ number: 1, width: 1457, height: 2083, reading: { method: "alto" } });
    expect(page?.layout?.lines).toHaveLength(24);
    expect(words(document)).toHaveLength(161);
    expect(document.text.startsWith("Berliniſche Monatsſchrift .\n\n1784 .")).toBe(true);
    for (const word of words(document)) {
      expect(word.box && page && inside(word.box, page)).toBe(true);
      expect(document.text.slice(word.start, word.end)).not.toMatch(/\s/);
    }
    // The first String: CONTENT="Berliniſche" HPOS="114" VPOS="368" WIDTH="328" HEIGHT="69".
    expect(words(document)[0]).toEqual({
      start: 0,
      end: 11,
      box: { x: 114, y: 368, width: 328, height: 69 },
    });
  });

  it("reads ALTO v4 with decimal coordinates and right-to-left Hebrew text in logical order", async () => {
    const document = await read(fixture("formats/alto/kraken-tests_bsb00084914_00007_alto-v4.xml"));
    const [page] = document.pages;
    expect(page).toMatchObject({ width: 3177, height: 4308 });
    expect(words(document)).toHaveLength(86);
    expect(document.text.startsWith("בשאול וגו' ˙ אם יחבאו")).toBe(true);
    expect(page?.layout?.lines[0]?.box).toEqual({ x: 844, y: 635, width: 1883, height: 126 });
  });

  it("keeps a hyphenated word as printed and lets the normaliser join it for the model", async () => {
    const document = await ingest(
      alto(`<TextBlock><TextLine>
        <String CONTENT="die" HPOS="10" VPOS="10" WIDTH="50" HEIGHT="40"/><SP/>
        <String CONTENT="Aufklä" SUBS_TYPE="HypPart1" SUBS_CONTENT="Aufklärung" HPOS="70" VPOS="10" WIDTH="120" HEIGHT="40"/>
        <HYP CONTENT="¬"/></TextLine>
        <TextLine><String CONTENT="rung" SUBS_TYPE="HypPart2" SUBS_CONTENT="Aufklärung" HPOS="10" VPOS="60" WIDTH="90" HEIGHT="40"/>
        <String CONTENT="Kants" WC="0.42" HPOS="110" VPOS="60" WIDTH="100" HEIGHT="40"/></TextLine></TextBlock>`),
      options,
    );
    expect(document.text).toBe("die Aufklä¬\nrung Kants");
    expect(normalizeForModel(document.text).text).toBe("die Aufklärung Kants");
    expect(words(document).map((w) => document.text.slice(w.start, w.end))).toEqual([
      "die",
      "Aufklä¬",
      "rung",
      "Kants",
    ]);
    expect(words(document)[3]?.confidence).toBe(0.42);
  });

  it("marks a broken word without HYP element with a soft hyphen, so it is still joined", async () => {
    const document = await ingest(
      alto(`<TextBlock><TextLine><String CONTENT="Aufklä" SUBS_TYPE="HypPart1" SUBS_CONTENT="Aufklärung"/></TextLine>
        <TextLine><String CONTENT="rung" SUBS_TYPE="HypPart2" SUBS_CONTENT="Aufklärung"/></TextLine></TextBlock>`),
      options,
    );
    expect(document.text).toBe("Aufklä\u00AD\nrung");
    expect(normalizeForModel(document.text).text).toBe("Aufklärung");
  });

  it("converts tenths of millimetres to pixels at 300 dpi, and says it assumed the resolution", async () => {
    const document = await ingest(
      alto(
        `<TextBlock><TextLine><String CONTENT="Paris" HPOS="254" VPOS="508" WIDTH="127" HEIGHT="254"/></TextLine></TextBlock>`,
        "mm10",
      ),
      options,
    );
    expect(words(document)[0]?.box).toEqual({ x: 300, y: 600, width: 150, height: 300 });
    expect(document.pages[0]).toMatchObject({ width: 2362, height: 3543 });
    expect(document.warnings).toEqual([
      { code: "ALTO_UNIT_CONVERTED", message: expect.stringContaining("300 dpi") },
    ]);
  });

  it("reads each ALTO Page as a page, and refuses more pages than allowed", async () => {
    const pages = (n: number) =>
      utf8(
        `<alto><Layout>${Array.from(
          { length: n },
          (_, i) =>
            `<Page WIDTH="100" HEIGHT="100"><TextBlock><TextLine><String CONTENT="p${i + 1}"/></TextLine></TextBlock></Page>`,
        ).join("")}</Layout></alto>`,
      );
    const document = await ingest(pages(3), options);
    expect(document.text).toBe("p1\n\np2\n\np3");
    expect(document.pages.map((p) => p.number)).toEqual([1, 2, 3]);
    await expect(ingest(pages(3), { maxPages: 2 })).rejects.toMatchObject({ code: "TOO_MANY_PAGES" });
  });

  it("refuses an ALTO file with no text, saying so", async () => {
    await expect(
      ingest(alto(`<TextBlock><TextLine HPOS="1" VPOS="1" WIDTH="5" HEIGHT="5"/></TextBlock>`), options),
    ).rejects.toMatchObject({
      code: "EMPTY_DOCUMENT",
      message: expect.stringContaining("ALTO file contains no text"),
    });
  });

  it.each([
    [
      "an entity expansion bomb",
      `<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><alto><Layout><Page><TextBlock><TextLine><String CONTENT="&c;"/></TextLine></TextBlock></Page></Layout></alto>`,
    ],
    [
      "an external entity",
      `<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY secret SYSTEM "file:///etc/passwd">]><alto><Layout><Page><TextBlock><TextLine><String CONTENT="&secret;"/></TextLine></TextBlock></Page></Layout></alto>`,
    ],
  ])("refuses %s without expanding it", async (_name, xml) => {
    await expect(ingest(utf8(xml), options)).rejects.toMatchObject({
      code: "UNSAFE_XML",
      message: expect.stringContaining("declares entities"),
    });
  });

  it("refuses malformed XML as corrupt, with the parser's position", async () => {
    await expect(
      ingest(utf8(`<alto><Layout><Page><TextBlock></Page></alto>`), options),
    ).rejects.toMatchObject({
      code: "CORRUPT_DOCUMENT",
      message: expect.stringMatching(/^The ALTO file is not well-formed XML \(.*\d+:\d+/),
    });
  });
});
