/**
 * The HIPE TSV reader on the real files of both editions (test/fixtures/hipe2020, hipe2022) and on
 * small files made to hit each trap of the format.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { metadataValue, parseHipeTsv } from "../../src/eval/hipe-tsv.js";
import { parseGold } from "../../src/eval/read-gold.js";
import { CodePointIndex } from "../../src/text/code-points.js";
import { HIPE_2020, HIPE_2022, readHipe } from "../support/hipe.js";

const HEADER =
  "TOKEN\tNE-COARSE-LIT\tNE-COARSE-METO\tNE-FINE-LIT\tNE-FINE-METO\tNE-FINE-COMP\tNE-NESTED\tNEL-LIT\tNEL-METO\tMISC";

/** A token row with the tag in NE-COARSE-LIT and MISC as given. */
const row = (token: string, tag = "O", misc = "_") =>
  [token, tag, "O", "O", "O", "O", "O", "_", "_", misc].join("\t");

const tsv = (...lines: string[]) => [HEADER, ...lines].join("\n");

/** The code points [start, end) of a text. */
function slicer(text: string) {
  const index = new CodePointIndex(text);
  return (start: number, end: number) => text.slice(index.toUtf16(start), index.toUtf16(end));
}

/** Token rows and B- tags counted straight from the file's lines. */
function countRows(path: string) {
  const rows = readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.includes("\t") && !line.startsWith("TOKEN\t"));
  return { tokens: rows.length, begins: rows.filter((line) => line.split("\t")[1]?.startsWith("B-")).length };
}

describe.each([
  [HIPE_2020, "HIPE-data-v1.4-dev-fr.tsv", 43, undefined, "fr"],
  [HIPE_2020, "HIPE-data-v1.4-dev-de.tsv", 33, undefined, "de"],
  [HIPE_2020, "HIPE-data-v1.4-dev-en.tsv", 80, undefined, "en"],
  [HIPE_2022, "HIPE-2022-v2.1-ajmc-dev-fr.tsv", 17, "ajmc", "fr"],
  [HIPE_2022, "HIPE-2022-v2.1-newseye-dev-fr.tsv", 35, "newseye", "fr"],
  [HIPE_2022, "HIPE-2022-v2.1-topres19th-dev-en.tsv", 34, "topres19th", "en"],
])("reading %s/%s", (dir, name, documents, dataset, language) => {
  const path = `${dir}/${name}`;
  const file = readHipe(path);

  it("finds every document, its id, language and data set", () => {
    expect(file.documents).toHaveLength(documents);
    expect(new Set(file.documents.map((d) => d.id)).size).toBe(documents);
    expect(file.dataset).toBe(dataset);
    expect(file.documents.every((d) => d.language === language)).toBe(true);
  });

  it("keeps every token row, those starting with # included, in order", () => {
    const tokens = file.documents.flatMap((d) => d.tokens);
    expect(tokens).toHaveLength(countRows(path).tokens);
  });

  it("rebuilds a text in which every token and every mention stands at its offsets", () => {
    for (const document of file.documents) {
      const slice = slicer(document.text);
      expect(document.tokens.filter((t) => slice(t.start, t.end) !== t.text)).toEqual([]);
      expect(document.mentions.filter((m) => slice(m.start, m.end) !== m.text)).toEqual([]);
    }
  });

  it("reads one mention per B- tag, plus any entity an I- tag starts", () => {
    const mentions = file.documents.flatMap((d) => d.mentions).length;
    expect(mentions).toBeGreaterThanOrEqual(countRows(path).begins);
    expect(mentions).toBeLessThanOrEqual(countRows(path).begins + 1);
  });
});

describe("HIPE TSV traps", () => {
  it("reads a row whose token starts with # as a token, and only tab-free # lines as comments", () => {
    const file = parseHipeTsv(
      tsv(
        "# document_id = d1",
        row("Prix"),
        row("#", "O", "NoSpaceAfter"),
        row("12"),
        "# segment_iiif_link = x",
        row("fr."),
      ),
      "inline.tsv",
    );
    const [document] = file.documents;
    expect(document?.text).toBe("Prix #12 fr.");
    expect(document?.tokens.map((t) => t.text)).toEqual(["Prix", "#", "12", "fr."]);
    expect(document?.tokens[3]?.comments).toEqual(["# segment_iiif_link = x"]);
  });

  it("gives a document the comments that precede its document_id (ajmc), and metadata under both key forms", () => {
    const file = parseHipeTsv(
      tsv(
        "# hipe2022:original_source = a.xmi",
        "# hipe2022:language = de",
        "# hipe2022:document_id = first",
        row("Aias"),
        "",
        "# hipe2022:original_source = b.xmi",
        "# hipe2022:document_id = second",
        "# hipe2022:date = NA",
        row("Odysseus"),
      ),
      "inline.tsv",
    );
    expect(file.documents.map((d) => [d.id, d.comments.length, d.text])).toEqual([
      ["first", 3, "Aias"],
      ["second", 3, "Odysseus"],
    ]);
    expect(file.documents[0]?.language).toBe("de");
    expect(metadataValue(file.documents[1]?.metadata ?? {}, "original_source")).toBe("b.xmi");
    // "NA" stands for no value.
    expect(metadataValue(file.documents[1]?.metadata ?? {}, "date")).toBeUndefined();
  });

  it("joins tokens as MISC says: NoSpaceAfter, EndOfLine (which wins), empty cells", () => {
    const file = parseHipeTsv(
      tsv(
        "# document_id = d",
        row("M", "B-pers", "NoSpaceAfter"),
        row(".", "I-pers", "_"),
        row("Poin¬", "I-pers", "NoSpaceAfter|EndOfLine"),
        row("caré", "I-pers", "NoSpaceAfter|LED0.00"),
        row(",", "O", ""),
        row("Paris", "B-loc", "EndOfLine"),
        row("fin"),
      ),
      "inline.tsv",
    );
    const [document] = file.documents;
    expect(document?.text).toBe("M. Poin¬\ncaré, Paris\nfin");
    expect(document?.mentions).toEqual([
      { type: "pers", start: 0, end: 13, text: "M. Poin¬\ncaré" },
      { type: "loc", start: 15, end: 20, text: "Paris" },
    ]);
  });

  it("reads IOB as the official scorer: I- after O starts an entity, B- after I- of its type starts another", () => {
    const file = parseHipeTsv(
      tsv(
        row("Dorset", "O"),
        row("County", "I-BUILDING"),
        row("Gazette", "I-BUILDING"),
        row("Allema¬", "B-LOC", "NoSpaceAfter|EndOfLine"),
        row("gne", "B-LOC"),
      ),
      "inline.tsv",
    );
    expect(file.documents[0]?.mentions.map((m) => [m.type, m.text])).toEqual([
      ["BUILDING", "County Gazette"],
      ["LOC", "Allema¬"],
      ["LOC", "gne"],
    ]);
  });

  it("counts offsets in code points, outside the BMP too", () => {
    const file = parseHipeTsv(tsv(row("𝔊𝔬𝔱𝔱"), row("Goethe", "B-pers")), "inline.tsv");
    expect(file.documents[0]?.mentions[0]).toMatchObject({ start: 5, end: 11, text: "Goethe" });
  });

  it("refuses a file without the header, or with a line that is no row, naming file and line", () => {
    expect(() => parseHipeTsv("Paris\tB-loc\n", "nohead.tsv")).toThrow(/nohead\.tsv, line 1: .*header/);
    expect(() => parseHipeTsv(tsv(row("Paris"), "Londres"), "bad.tsv")).toThrow(/bad\.tsv, line 3/);
    expect(() => parseGold("Paris Londres", "what.txt")).toThrow(/neither HIPE TSV .* nor JSON Lines/);
  });
});
