import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";
import type { SourceDocument } from "../../src/pipeline/types.js";
import { fixture, KANT_ALTO, KANT_PAGE_XML } from "../support/ocr.js";

const options = { maxPages: 10 };
const read = (path: string) => ingest(readFileSync(path), options);
const utf8 = (text: string) => new TextEncoder().encode(text);
const lineTexts = (document: SourceDocument) =>
  document.pages[0]?.layout?.lines.map((line) => document.text.slice(line.start, line.end)) ?? [];

function page(body: string, readingOrder = ""): Uint8Array {
  return utf8(`<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
  <Page imageWidth="1000" imageHeight="1000">${readingOrder}${body}</Page></PcGts>`);
}

const region = (id: string, text: string, extra = "") =>
  `<TextRegion id="${id}" ${extra}><TextLine id="${id}l"><Coords points="0,0 10,0 10,10 0,10"/><TextEquiv><Unicode>${text}</Unicode></TextEquiv></TextLine></TextRegion>`;

describe("PAGE import", () => {
  it("reads the Kant ground truth (PAGE 2019): line text as transcribed, words placed in it with their boxes", async () => {
    const document = await read(KANT_PAGE_XML);
    const [first] = document.pages;
    expect(document.mediaType).toBe("application/vnd.prima.page+xml");
    expect(first).toMatchObject({ width: 1457, height: 2083, reading: { method: "page-xml" } });
    expect(first?.layout?.lines).toHaveLength(24);
    expect(lineTexts(document).slice(0, 5)).toEqual([
      "Berliniſche Monatsſchrift.",
      "1784 .",
      "Zwoͤlftes Stuͤk . December .",
      "1.",
      "Beantwortung der Frage:",
    ]);
    // Word "Monatsſchrift": Coords "902,436 482,436 482,367 902,367" (counter-clockwise in the file).
    const [, monatsschrift, stop] = first?.layout?.lines[0]?.words ?? [];
    expect(monatsschrift).toEqual({ start: 12, end: 25, box: { x: 482, y: 367, width: 420, height: 69 } });
    expect(document.text.slice(stop?.start, stop?.end)).toBe(".");
    expect(first?.layout?.lines.flatMap((line) => line.words)).toHaveLength(161);
  });

  it("gives the same words and boxes as the ALTO export of the same page", async () => {
    const fromPage = await read(KANT_PAGE_XML);
    const fromAlto = await read(KANT_ALTO);
    const wordsOf = (document: SourceDocument) =>
      document.pages[0]?.layout?.lines.flatMap((line) =>
        line.words.map((word) => ({ text: document.text.slice(word.start, word.end), box: word.box })),
      );
    expect(wordsOf(fromPage)).toEqual(wordsOf(fromAlto));
  });

  it("follows the ReadingOrder, nested groups included, rather than the order of the file", async () => {
    const order = `<ReadingOrder><OrderedGroup id="g">
      <RegionRefIndexed index="2" regionRef="a"/>
      <OrderedGroupIndexed index="0" id="g2"><RegionRefIndexed index="1" regionRef="b"/><RegionRefIndexed index="0" regionRef="c"/></OrderedGroupIndexed>
      </OrderedGroup></ReadingOrder>`;
    const document = await ingest(
      page(region("a", "Troisième") + region("b", "Deuxième") + region("c", "Premier"), order),
      options,
    );
    expect(document.text).toBe("Premier\n\nDeuxième\n\nTroisième");
  });

  it("reads Transkribus exports leniently: custom reading order, line-level text, empty Coords", async () => {
    const minimal = await read(fixture("formats/page/kraken-tests_minimal_transkribus_page2013.xml"));
    expect(minimal.text).toBe("Line 1\nLine 2\n\nLine 3\n\nLine 4");
    expect(minimal.pages[0]?.layout?.lines.map((line) => line.box)).toEqual([
      { x: 10, y: 10, width: 480, height: 130 },
      { x: 10, y: 150, width: 480, height: 130 },
      { x: 10, y: 320, width: 480, height: 130 },
      { x: 510, y: 10, width: 480, height: 130 },
    ]);

    const shuffled = await ingest(
      page(
        region("late", "zwei", 'custom="readingOrder {index:1;}"') +
          region("early", "eins", 'custom="readingOrder {index:0;}"'),
      ),
      options,
    );
    expect(shuffled.text).toBe("eins\n\nzwei");

    const manuscript = await read(
      fixture("formats/page/kraken-tests_170025120000003_0074_transkribus-page2013.xml"),
    );
    expect(manuscript.pages[0]).toMatchObject({ width: 2743, height: 3965 });
    expect(manuscript.pages[0]?.layout?.lines).toHaveLength(44);
    expect(lineTexts(manuscript)[1]).toBe("$-nor su hijo, De todos sus bienes, con los pactos");
  });

  it("takes the TextEquiv with the lowest index, and its confidence", async () => {
    const document = await ingest(
      page(`<TextRegion id="r"><TextLine id="l">
        <TextEquiv index="2" conf="0.4"><Unicode>Pans</Unicode></TextEquiv>
        <TextEquiv index="1" conf="0.9"><Unicode>Paris</Unicode></TextEquiv></TextLine></TextRegion>`),
      options,
    );
    expect(document.text).toBe("Paris");
    expect(document.pages[0]?.layout?.lines[0]?.confidence).toBe(0.9);
  });

  it("falls back on the words where a line has no text of its own, and on region text without lines", async () => {
    const document = await ingest(
      page(`<TextRegion id="r1"><TextLine id="l"><TextEquiv><Unicode></Unicode></TextEquiv>
        <Word id="w1"><Coords points="1,1 9,1 9,9 1,9"/><TextEquiv conf="0.8"><Unicode>Jean</Unicode></TextEquiv></Word>
        <Word id="w2"><TextEquiv><Unicode>Colbert</Unicode></TextEquiv></Word></TextLine></TextRegion>
        <TextRegion id="r2"><TextEquiv><Unicode>Reims
1619</Unicode></TextEquiv></TextRegion>`),
      options,
    );
    expect(document.text).toBe("Jean Colbert\n\nReims\n1619");
    expect(document.pages[0]?.layout?.lines[0]?.words[0]).toEqual({
      start: 0,
      end: 4,
      box: { x: 1, y: 1, width: 8, height: 8 },
      confidence: 0.8,
    });
  });

  it("refuses a PAGE file with an entity bomb", async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE PcGts [<!ENTITY x "xxxxxxxx">]><PcGts><Page>&x;</Page></PcGts>`;
    await expect(ingest(utf8(bomb), options)).rejects.toMatchObject({ code: "UNSAFE_XML" });
  });
});
