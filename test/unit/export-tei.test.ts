import { join } from "node:path";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { tei } from "../../src/export/tei.js";
import { teiDateAttributes } from "../../src/export/tei-dates.js";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { letterExtraction } from "../support/extractions.js";
import { HIPE_2020, readHipe } from "../support/hipe.js";
import { placedExtraction } from "../support/placed-extractions.js";
import { hasJing, relaxNgErrors, TEI_ALL } from "../support/xml-validation.js";

interface Element {
  name: string;
  attributes: Record<string, string>;
  /** Its text content, markup removed. */
  text: string;
  inBody: boolean;
}

/** The elements of a TEI file, by xml:id where they have one, parsed by a real XML parser. */
function parseTei(xml: string): { byId: Map<string, Element>; elements: Element[] } {
  const parser = new SaxesParser({ xmlns: false });
  const open: Element[] = [];
  const elements: Element[] = [];
  parser.on("opentag", (tag) => {
    const inBody = open.some((parent) => parent.name === "body");
    const element = {
      name: tag.name,
      attributes: tag.attributes as Record<string, string>,
      text: "",
      inBody,
    };
    open.push(element);
    elements.push(element);
  });
  parser.on("closetag", () => open.pop());
  parser.on("text", (text) => {
    for (const element of open) element.text += text;
  });
  parser.write(xml).close();
  const byId = new Map(
    elements.flatMap((e) => (e.attributes["xml:id"] ? [[e.attributes["xml:id"], e]] : [])),
  );
  return { byId, elements };
}

describe("TEI dating attributes from EDTF values", () => {
  it.each([
    ["1784", { when: "1784" }],
    ["1784-09", { when: "1784-09" }],
    ["1784-09-30", { when: "1784-09-30" }],
    ["1784?", { when: "1784", cert: "low" }],
    ["1784~", { when: "1784", precision: "low" }],
    ["1784-09-30%", { when: "1784-09-30", cert: "low", precision: "low" }],
    ["178X", { notBefore: "1780", notAfter: "1789" }],
    ["17XX?", { notBefore: "1700", notAfter: "1799", cert: "low" }],
    ["1784-XX", { when: "1784" }],
    ["1784-03-XX", { when: "1784-03" }],
    ["1784/1786", { from: "1784", to: "1786" }],
    ["178X/1786-05", { from: "1780", to: "1786-05" }],
    ["1784?/1786", { from: "1784", to: "1786", cert: "low" }],
    ["../1786", { to: "1786" }],
    ["1784/..", { from: "1784" }],
  ])("%s", (value, attributes) => {
    expect(teiDateAttributes(value)).toEqual(attributes);
  });

  it.each([["mil sept cent"], ["1784-13"], ["84"], ["../.."], ["1784/1786/1788"], [1784], [undefined]])(
    "gives no attribute for %s, which is not a date of the subset",
    (value) => {
      expect(teiDateAttributes(value)).toEqual({});
    },
  );
});

describe("TEI export", () => {
  it("marks each mention up around exactly its characters, past text outside the BMP", () => {
    const extraction = letterExtraction();
    const { byId } = parseTei(tei([extraction]));
    for (const mention of extraction.entities) expect(byId.get(mention.id)?.text).toBe(mention.text);
    expect(byId.get("m1")).toMatchObject({ name: "persName", attributes: { ref: "#person-1" } });
    expect(byId.get("m2")).toMatchObject({ name: "placeName", attributes: { ref: "#place-2" } });
    expect(byId.get("m3")).toMatchObject({ name: "date", attributes: { when: "1619-08-29" } });
    expect(byId.get("m4")).toMatchObject({ name: "name", attributes: { type: "work", ref: "#work-4" } });
    // Every @ref names an entity listed in the back, under its name.
    expect(byId.get("person-1")).toMatchObject({ name: "person", text: extraction.entities[0]?.entityName });
    expect(byId.get("place-2")).toMatchObject({ name: "place", text: "Reims" });
    expect(byId.get("work-4")?.name).toBe("bibl");
  });

  it("keeps every character of the text, in order, with a numbered lb at each line", () => {
    const extraction = letterExtraction();
    const xml = tei([extraction]);
    const { elements } = parseTei(xml);
    const paragraphs = elements.filter((e) => e.name === "p" && e.inBody);
    // Paragraphs are set apart by markup instead of the blank line between them.
    expect(paragraphs.map((p) => p.text)).toEqual(extraction.text.split("\n\n"));
    expect(elements.filter((e) => e.name === "lb").map((e) => e.attributes.n)).toEqual(["1", "2", "3", "4"]);
  });

  it("nests a mention inside another, and splits one that crosses it into linked parts", () => {
    const text = "Le duc de Bourgogne et Paris.";
    const at = (part: string) => text.indexOf(part);
    const extraction = placedExtraction(text, [
      { type: "person", start: at("duc"), end: at(" et") },
      { type: "place", start: at("Bourgogne"), end: at(" et") },
      { type: "organization", start: at("Bourgogne"), end: at(".") },
    ]);
    const xml = tei([extraction]);
    // The organisation, as long as the place from the same start, holds it; it crosses the person's end.
    expect(xml).toContain(
      '<persName xml:id="m1" ref="#person-1">duc de <orgName xml:id="m3.1" next="#m3.2" ref="#organization-3"><placeName xml:id="m2" ref="#place-2">Bourgogne</placeName></orgName></persName><orgName xml:id="m3.2"',
    );
    const { byId } = parseTei(xml);
    expect(byId.get("m1")?.text).toBe("duc de Bourgogne");
    expect(byId.get("m3.1")).toMatchObject({
      name: "orgName",
      text: "Bourgogne",
      attributes: { next: "#m3.2" },
    });
    expect(byId.get("m3.2")).toMatchObject({
      name: "orgName",
      text: " et Paris",
      attributes: { prev: "#m3.1" },
    });
    // Both parts refer to the one entity.
    expect(byId.get("m3.1")?.attributes.ref).toBe("#organization-3");
    expect(byId.get("m3.2")?.attributes.ref).toBe("#organization-3");
  });

  it("gives page breaks the page image's URL where the document has page images", () => {
    const text = "Page one.\n\nPage two.";
    const pages = [
      { number: 1, start: 0, end: 9, needsOcr: false },
      { number: 2, start: 11, end: 20, needsOcr: false },
    ];
    const pdf = placedExtraction(text, [], { mediaType: "application/pdf", pages });
    const { elements } = parseTei(tei([pdf]));
    expect(elements.filter((e) => e.name === "pb").map((e) => e.attributes)).toEqual([
      { n: "1", facs: `/v1/documents/${pdf.document.id}/pages/1/image` },
      { n: "2", facs: `/v1/documents/${pdf.document.id}/pages/2/image` },
    ]);
    const plain = parseTei(tei([placedExtraction(text, [], { pages })]));
    expect(plain.elements.filter((e) => e.name === "pb").map((e) => e.attributes)).toEqual([
      { n: "1" },
      { n: "2" },
    ]);
  });

  it("describes the document, the model and the profile in the header", () => {
    const { elements } = parseTei(tei([letterExtraction()]));
    const text = (name: string) => elements.find((e) => e.name === name)?.text;
    expect(text("idno")).toBe("c627ad28719e3a7ed9b331a71b5af32fa48af9a816e5968ba79f8706172f04ff");
    expect(text("note")).toBe("text/plain");
    expect(text("extent")).toBe("1 page, 98 characters");
    const application = elements.find((e) => e.name === "application");
    expect(application?.attributes.ident).toBe("palimpsest");
    expect(application?.text).toContain("bigscience/bloomz-560m");
    expect(application?.text).toContain("profile default 1.0.0");
  });

  it("keeps the file well-formed when the text holds characters XML forbids", () => {
    const text = "Page\fbreak & <tag> \u000b Colbert";
    const extraction = placedExtraction(text, [
      { type: "person", start: text.indexOf("Colbert"), end: text.length },
    ]);
    const { byId } = parseTei(tei([extraction]));
    expect(byId.get("m1")?.text).toBe("Colbert");
  });
});

describe.skipIf(!hasJing)("TEI export against tei_all (jing)", () => {
  const hipeExtractions = (): Extraction[] => {
    const types: Record<string, string> = {
      pers: "person",
      loc: "place",
      org: "organization",
      time: "date",
      prod: "work",
    };
    const { documents } = readHipe(join(HIPE_2020, "HIPE-data-v1.4-dev-fr.tsv"));
    return documents.slice(0, 5).map((document) =>
      placedExtraction(
        document.text,
        document.mentions.map(({ type, start, end }) => ({ type: types[type] ?? type, start, end })),
        { filename: `${document.id}.txt` },
      ),
    );
  };

  it("is valid for a letter with text outside the BMP, nested and crossing mentions, a scan's page images", () => {
    const text = "Le duc de Bourgogne et Paris, 178X.";
    const at = (part: string) => text.indexOf(part);
    const crossing = placedExtraction(text, [
      { type: "person", start: at("duc"), end: at(" et") },
      { type: "place", start: at("Bourgogne"), end: at(" et") },
      { type: "organization", start: at("Bourgogne"), end: at(",") },
      { type: "date", start: at("178X"), end: at("."), attributes: { value: "178X?" } },
      { type: "baptism record", start: 0, end: 2 },
    ]);
    const scan = placedExtraction("Page one.\n\nPage two.", [{ type: "place", start: 5, end: 8 }], {
      mediaType: "image/tiff",
      pages: [
        { number: 1, start: 0, end: 9, needsOcr: false },
        { number: 2, start: 11, end: 20, needsOcr: false },
      ],
    });
    expect(relaxNgErrors(tei([letterExtraction()]), TEI_ALL)).toEqual([]);
    expect(relaxNgErrors(tei([crossing]), TEI_ALL)).toEqual([]);
    expect(relaxNgErrors(tei([scan]), TEI_ALL)).toEqual([]);
  });

  it("is valid for HIPE-2020 newspaper issues with their gold entities, one TEI or a corpus", () => {
    const extractions = hipeExtractions();
    const { byId } = parseTei(tei([extractions[0] as Extraction]));
    for (const mention of extractions[0]?.entities ?? [])
      expect(byId.get(mention.id)?.text).toBe(mention.text);
    expect(relaxNgErrors(tei([extractions[0] as Extraction]), TEI_ALL)).toEqual([]);
    expect(relaxNgErrors(tei(extractions), TEI_ALL)).toEqual([]);
  });
});
