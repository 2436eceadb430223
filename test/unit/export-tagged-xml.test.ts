import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { taggedAlto } from "../../src/export/tagged-alto.js";
import { taggedPage } from "../../src/export/tagged-page.js";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { fileExtraction } from "../support/placed-extractions.js";
import { ALTO_XSD, hasXmllint, PAGE_XSD, xmlSchemaErrors } from "../support/xml-validation.js";

const fixture = (path: string) => readFileSync(new URL(`../fixtures/formats/${path}`, import.meta.url));
const KANT_ALTO = fixture("alto/ocrd-assets_kant_aufklaerung_1784_PAGE_0017_ALTO-v2.xml");
const KRAKEN_ALTO = fixture("alto/kraken-tests_bsb00084914_00007_alto-v4.xml");
const KANT_PAGE = fixture("page/ocrd-assets_kant_aufklaerung_1784_PAGE_0017_PAGE-2019.xml");
const TRANSKRIBUS_PAGE = fixture("page/kraken-tests_170025120000003_0074_transkribus-page2013.xml");

/** A PAGE 2019 file with text outside the BMP, and a region transcribed as a whole (no TextLine). */
const SMALL_PAGE = `<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
  <Metadata><Creator>test</Creator><Created>2024-01-01T00:00:00</Created><LastChange>2024-01-01T00:00:00</LastChange></Metadata>
  <Page imageFilename="p.png" imageWidth="100" imageHeight="100">
    <TextRegion id="r1"><Coords points="0,0 10,0 10,10 0,10"/>
      <TextLine id="l1"><Coords points="0,0 10,0 10,10 0,10"/><TextEquiv><Unicode>𝔊𝔬𝔱𝔱 Colbert à Reims</Unicode></TextEquiv></TextLine>
    </TextRegion>
    <TextRegion id="r2"><Coords points="0,0 10,0 10,10 0,10"/><TextEquiv><Unicode>Première ligne
Jean 𝔊 Colbert</Unicode></TextEquiv></TextRegion>
  </Page>
</PcGts>
`;

/** An ALTO file with an empty Tags and a String that already refers to a tag. */
const SMALL_ALTO = `<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">
  <Description><MeasurementUnit>pixel</MeasurementUnit></Description>
  <Tags/>
  <Layout><Page ID="p1" WIDTH="100" HEIGHT="100" PHYSICAL_IMG_NR="1"><PrintSpace>
    <TextBlock ID="b1"><TextLine ID="l1">
      <String ID="s1" CONTENT="Herr"/><SP/><String ID="s2" CONTENT="Müller" TAGREFS="person-1"/>
    </TextLine></TextBlock>
  </PrintSpace></Page></Layout>
</alto>
`;

const sourcesOf = (extraction: Extraction, bytes: Uint8Array) => new Map([[extraction.document.id, bytes]]);

/** The tagged ALTO file without the tags and references the export adds: the input, if nothing else changed. */
function altoWithoutAdditions(xml: string, input: string): string {
  const added = [...xml.matchAll(/<(?:\w+:)?NamedEntityTag ID="([^"]+)"/g)].map((match) => match[1]);
  let out = xml.replace(/\n?[ \t]*<(?:\w+:)?NamedEntityTag [^>]*\/>/g, "");
  out = out.replace(/ TAGREFS="([^"]*)"/g, (_, value: string) => {
    const kept = value.split(" ").filter((id) => !added.includes(id));
    return kept.length > 0 ? ` TAGREFS="${kept.join(" ")}"` : "";
  });
  const emptyTags = /<(\w+:)?Tags>\s*<\/(\w+:)?Tags>(\s*)/;
  if (!input.includes("<Tags")) return out.replace(emptyTags, "");
  return input.includes("<Tags/>") ? out.replace(emptyTags, "<Tags/>$3") : out;
}

/** The tagged PAGE file without the custom tags the export adds. */
function pageWithoutAdditions(xml: string): string {
  return xml
    .replace(/ ?[\w-]+ \{offset:\d+; length:\d+;( continued:true;)?\}/g, "")
    .replace(/ custom=""/g, "");
}

/** Each String's CONTENT with its TAGREFS, and the NamedEntityTags, read back by an XML parser. */
function readAlto(xml: string) {
  const strings: { content: string; tagrefs?: string }[] = [];
  const tags: Record<string, string>[] = [];
  const parser = new SaxesParser();
  parser.on("opentag", (tag) => {
    const attributes = tag.attributes as Record<string, string>;
    const name = tag.name.replace(/^\w+:/, "");
    if (name === "String") strings.push({ content: attributes.CONTENT ?? "", tagrefs: attributes.TAGREFS });
    if (name === "NamedEntityTag") tags.push(attributes);
  });
  parser.write(xml).close();
  return { strings, tags };
}

/** Each TextLine's and TextRegion's custom attribute and own text (its TextEquiv's), read back by an XML parser. */
function readPage(xml: string): { id: string; custom?: string; text: string }[] {
  const elements: { id: string; custom?: string; text: string }[] = [];
  const open: { id: string; custom?: string; text: string }[] = [];
  const names: string[] = [];
  const parser = new SaxesParser();
  parser.on("opentag", (tag) => {
    const attributes = tag.attributes as Record<string, string>;
    const name = tag.name.replace(/^\w+:/, "");
    names.push(name);
    if (name === "TextLine" || name === "TextRegion") {
      const element = { id: attributes.id ?? "", custom: attributes.custom, text: "" };
      elements.push(element);
      open.push(element);
    }
  });
  parser.on("closetag", () => {
    const name = names.pop();
    if (name === "TextLine" || name === "TextRegion") open.pop();
  });
  parser.on("text", (text) => {
    const [owner, equiv, unicode] = names.slice(-3);
    if (unicode === "Unicode" && equiv === "TextEquiv" && (owner === "TextLine" || owner === "TextRegion")) {
      const element = open.at(-1);
      if (element) element.text += text;
    }
  });
  parser.write(xml).close();
  return elements;
}

/** The characters [offset, offset + length) of the text, counted in code points. */
const slice = (text: string, offset: number, length: number) =>
  [...text].slice(offset, offset + length).join("");

describe("tagged ALTO export", () => {
  it("adds a NamedEntityTag per entity and TAGREFS on every String a mention covers (ALTO v2, no Tags yet)", async () => {
    const extraction = await fileExtraction(KANT_ALTO, [
      { type: "work", text: "Berliniſche Monatsſchrift" },
      { type: "date", text: "1784" },
      { type: "person", text: "Men -\nſchen" },
    ]);
    const xml = taggedAlto(extraction, sourcesOf(extraction, KANT_ALTO)).toString("utf8");
    const { strings, tags } = readAlto(xml);
    expect(tags).toEqual([
      { ID: "work-1", TYPE: "work", LABEL: "Berliniſche Monatsſchrift" },
      { ID: "date-2", TYPE: "date", LABEL: "1784" },
      { ID: "person-3", TYPE: "person", LABEL: "Men -\nſchen" },
    ]);
    const tagged = strings
      .filter((string) => string.tagrefs)
      .map((string) => [string.content, string.tagrefs]);
    // The word broken at the line end is tagged in both halves, and its hyphen.
    expect(tagged).toEqual([
      ["Berliniſche", "work-1"],
      ["Monatsſchrift", "work-1"],
      ["1784", "date-2"],
      ["Men", "person-3"],
      ["-", "person-3"],
      ["ſchen", "person-3"],
    ]);
    // The Tags come before the Layout, in the file's namespace (no prefix here).
    expect(xml.indexOf("<Tags>")).toBeGreaterThan(xml.indexOf("</Description>"));
    expect(xml.indexOf("<Tags>")).toBeLessThan(xml.indexOf("<Layout>"));
    expect(altoWithoutAdditions(xml, KANT_ALTO.toString("utf8"))).toBe(KANT_ALTO.toString("utf8"));
  });

  it("adds to the file's own Tags and keeps the rest byte for byte (ALTO v4, Hebrew)", async () => {
    const extraction = await fileExtraction(KRAKEN_ALTO, [
      { type: "place", text: "הכרמל" },
      { type: "person", text: "יונה" },
    ]);
    const xml = taggedAlto(extraction, sourcesOf(extraction, KRAKEN_ALTO)).toString("utf8");
    const { tags } = readAlto(xml);
    expect(tags).toEqual([
      { ID: "place-1", TYPE: "place", LABEL: "הכרמל" },
      { ID: "person-2", TYPE: "person", LABEL: "יונה" },
    ]);
    expect(xml.match(/<Tags>/g)).toHaveLength(1);
    expect(altoWithoutAdditions(xml, KRAKEN_ALTO.toString("utf8"))).toBe(KRAKEN_ALTO.toString("utf8"));
  });

  it("opens an empty <Tags/>, and appends to a TAGREFS already there, under IDs the file does not use", async () => {
    const bytes = Buffer.from(SMALL_ALTO);
    const extraction = await fileExtraction(bytes, [{ type: "person", text: "Herr Müller" }]);
    const xml = taggedAlto(extraction, sourcesOf(extraction, bytes)).toString("utf8");
    expect(xml).toContain(
      '<Tags>\n    <NamedEntityTag ID="person-1_2" TYPE="person" LABEL="Herr Müller"/>\n  </Tags>',
    );
    expect(readAlto(xml).strings).toEqual([
      { content: "Herr", tagrefs: "person-1_2" },
      { content: "Müller", tagrefs: "person-1 person-1_2" },
    ]);
  });

  it("writes into a UTF-16 file in UTF-16, and into a windows-1252 file with character references", async () => {
    const utf8 = Buffer.from(SMALL_ALTO);
    const utf8Extraction = await fileExtraction(utf8, [{ type: "person", text: "Müller" }]);
    const expected = taggedAlto(utf8Extraction, sourcesOf(utf8Extraction, utf8)).toString("utf8");

    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(SMALL_ALTO, "utf-16le")]);
    const utf16Extraction = await fileExtraction(utf16, [{ type: "person", text: "Müller" }]);
    const utf16Out = taggedAlto(utf16Extraction, sourcesOf(utf16Extraction, utf16));
    expect([...utf16Out.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(iconv.decode(utf16Out.subarray(2), "utf-16le")).toBe(expected);

    const legacy = iconv.encode(SMALL_ALTO.replace("UTF-8", "windows-1252"), "windows-1252");
    const legacyExtraction = await fileExtraction(legacy, [{ type: "person", text: "Müller" }]);
    const legacyOut = taggedAlto(legacyExtraction, sourcesOf(legacyExtraction, legacy));
    expect(legacyOut.toString("latin1")).toContain('LABEL="M&#xfc;ller"');
    // Every byte of the file is still there, in order, around what was added.
    const input = legacy.toString("latin1");
    expect(altoWithoutAdditions(legacyOut.toString("latin1"), input)).toBe(input);
  });
});

describe("tagged PAGE export", () => {
  it("appends Transkribus tags to each TextLine's custom, offsets in the line's text (PAGE 2019)", async () => {
    const extraction = await fileExtraction(KANT_PAGE, [
      { type: "work", text: "Berliniſche Monatsſchrift" },
      { type: "date", text: "1784" },
      { type: "person", text: "Men-\nſchen" },
    ]);
    const xml = taggedPage(extraction, sourcesOf(extraction, KANT_PAGE)).toString("utf8");
    const lines = readPage(xml).filter((line) =>
      / \{offset:\d+; length:\d+;( continued:true;)?\}/.test(line.custom ?? ""),
    );
    const tags = lines.flatMap(({ custom = "", text }) =>
      [...custom.matchAll(/(\w+) \{offset:(\d+); length:(\d+);( continued:true;)?\}/g)].map((match) => [
        match[1],
        slice(text, Number(match[2]), Number(match[3])),
        match[4] !== undefined,
      ]),
    );
    expect(tags).toEqual([
      ["work", "Berliniſche Monatsſchrift", false],
      ["date", "1784", false],
      ["person", "Men-", true],
      ["person", "ſchen", true],
    ]);
    // The file's own custom values (reading order, text style) are kept before the new tags.
    expect(lines[0]?.custom).toBe(
      "readingOrder {index:0;} textStyle {offset:0; length:26;fontFamily:Arial; fontSize:17.0; bold:true;} work {offset:0; length:25;}",
    );
    expect(pageWithoutAdditions(xml)).toBe(KANT_PAGE.toString("utf8"));
  });

  it("tags a Transkribus export (PAGE 2013) beside its structure tags, the rest byte for byte", async () => {
    const extraction = await fileExtraction(TRANSKRIBUS_PAGE, [
      { type: "person", text: "$ant:Miguel $ant:Carreras" },
      { type: "place", text: "$top:Canet" },
    ]);
    const xml = taggedPage(extraction, sourcesOf(extraction, TRANSKRIBUS_PAGE)).toString("utf8");
    expect(xml).toContain(
      'custom="readingOrder {index:2;} structure {type:$pac;} person {offset:39; length:25;}"',
    );
    expect(pageWithoutAdditions(xml)).toBe(TRANSKRIBUS_PAGE.toString("utf8"));
  });

  it("counts offsets in code points, and tags a region transcribed whole on its TextRegion", async () => {
    const bytes = Buffer.from(SMALL_PAGE);
    const extraction = await fileExtraction(bytes, [
      { type: "person", text: "Colbert" },
      { type: "person", text: "Colbert" },
    ]);
    const xml = taggedPage(extraction, sourcesOf(extraction, bytes)).toString("utf8");
    const [, line, region] = readPage(xml);
    expect(line).toMatchObject({ id: "l1", custom: "person {offset:5; length:7;}" });
    expect(slice(line?.text ?? "", 5, 7)).toBe("Colbert");
    expect(region).toMatchObject({ id: "r2", custom: "person {offset:22; length:7;}" });
    expect(slice(region?.text ?? "", 22, 7)).toBe("Colbert");
  });
});

describe("tagged exports refuse what they cannot make", () => {
  it("refuses an ALTO export of a PAGE document, and a PAGE export of an ALTO one", async () => {
    const page = await fileExtraction(KANT_PAGE, []);
    expect(() => taggedAlto(page, sourcesOf(page, KANT_PAGE))).toThrow(
      expect.objectContaining({
        code: "EXPORT_NOT_APPLICABLE",
        message: expect.stringContaining("not ALTO"),
      }),
    );
    const alto = await fileExtraction(KANT_ALTO, []);
    expect(() => taggedPage(alto, sourcesOf(alto, KANT_ALTO))).toThrow(
      expect.objectContaining({ code: "EXPORT_NOT_APPLICABLE" }),
    );
  });

  it("refuses without the file, with another file, or when the file reads into another text", async () => {
    const extraction = await fileExtraction(KANT_ALTO, [{ type: "date", text: "1784" }]);
    for (const sources of [undefined, new Map(), sourcesOf(extraction, KRAKEN_ALTO)])
      expect(() => taggedAlto(extraction, sources)).toThrow(
        expect.objectContaining({
          code: "EXPORT_NOT_APPLICABLE",
          message: expect.stringContaining("not at hand"),
        }),
      );
    const changed = { ...extraction, text: extraction.text.replace("1784", "1785") };
    expect(() => taggedAlto(changed, sourcesOf(extraction, KANT_ALTO))).toThrow(
      expect.objectContaining({
        code: "EXPORT_NOT_APPLICABLE",
        message: expect.stringContaining("extract the document again"),
      }),
    );
  });

  it("refuses a file that does not decode cleanly, as its bytes could not be kept", async () => {
    // Valid UTF-8 but for one stray byte: read as UTF-8 with a U+FFFD, whose bytes are unknown.
    const damaged = Buffer.from(
      SMALL_ALTO.replace("Herr", `Herr ${"é".repeat(20)} \uFFFD`).replace("\uFFFD", "X"),
    );
    damaged[damaged.indexOf("X")] = 0xff;
    const extraction = await fileExtraction(damaged, [{ type: "person", text: "Müller" }]);
    expect(() => taggedAlto(extraction, sourcesOf(extraction, damaged))).toThrow(
      expect.objectContaining({
        code: "EXPORT_NOT_APPLICABLE",
        message: expect.stringContaining("Convert it to UTF-8"),
      }),
    );
  });
});

describe.skipIf(!hasXmllint)("tagged exports against the ALTO 4.4 and PAGE 2019 schemas (xmllint)", () => {
  /** The same document in the namespace of the schema at hand: ALTO v2 is read as v4, PAGE 2013 as 2019. */
  const asV4 = (xml: string) => xml.replaceAll("alto/ns-v2#", "alto/ns-v4#");
  const as2019 = (xml: string) => xml.replaceAll("pagecontent/2013-07-15", "pagecontent/2019-07-15");

  it("adds no schema error to an ALTO file: v4 keeps only its own, v2 read as v4 stays valid", async () => {
    const kraken = await fileExtraction(KRAKEN_ALTO, [{ type: "place", text: "הכרמל" }]);
    const krakenOut = taggedAlto(kraken, sourcesOf(kraken, KRAKEN_ALTO));
    const ownErrors = xmlSchemaErrors(KRAKEN_ALTO, ALTO_XSD);
    expect(ownErrors.length).toBeGreaterThan(0);
    expect(xmlSchemaErrors(krakenOut, ALTO_XSD)).toEqual(ownErrors);

    const kant = await fileExtraction(KANT_ALTO, [
      { type: "work", text: "Berliniſche Monatsſchrift" },
      { type: "person", text: "Men -\nſchen" },
    ]);
    const kantOut = taggedAlto(kant, sourcesOf(kant, KANT_ALTO)).toString("utf8");
    expect(xmlSchemaErrors(asV4(kantOut), ALTO_XSD)).toEqual([]);
    const small = Buffer.from(SMALL_ALTO);
    const smallExtraction = await fileExtraction(small, [{ type: "person", text: "Herr Müller" }]);
    expect(xmlSchemaErrors(taggedAlto(smallExtraction, sourcesOf(smallExtraction, small)), ALTO_XSD)).toEqual(
      [],
    );
  });

  it("keeps PAGE files valid: 2019 as it is, Transkribus' 2013 read as 2019", async () => {
    const kant = await fileExtraction(KANT_PAGE, [{ type: "person", text: "Men-\nſchen" }]);
    expect(xmlSchemaErrors(taggedPage(kant, sourcesOf(kant, KANT_PAGE)), PAGE_XSD)).toEqual([]);
    const transkribus = await fileExtraction(TRANSKRIBUS_PAGE, [{ type: "place", text: "$top:Canet" }]);
    const out = taggedPage(transkribus, sourcesOf(transkribus, TRANSKRIBUS_PAGE)).toString("utf8");
    expect(xmlSchemaErrors(as2019(out), PAGE_XSD)).toEqual([]);
    const small = Buffer.from(SMALL_PAGE);
    const smallExtraction = await fileExtraction(small, [{ type: "person", text: "Colbert" }]);
    expect(xmlSchemaErrors(taggedPage(smallExtraction, sourcesOf(smallExtraction, small)), PAGE_XSD)).toEqual(
      [],
    );
  });
});
