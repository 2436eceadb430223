/**
 * HIPE TSV exports: a plain export is HIPE TSV our own reader (and so the HIPE tools) reads back to
 * the same mentions; an evaluation export has the gold file's exact shape, with the predictions' tags.
 */
import { describe, expect, it } from "vitest";
import { parseHipeTsv } from "../../src/eval/hipe-tsv.js";
import { predictedTsv } from "../../src/eval/predicted-tsv.js";
import { namedTypeMap } from "../../src/eval/type-map.js";
import { HIPE_COLUMNS, hipeTsv } from "../../src/export/hipe-tsv.js";
import { tokenize } from "../../src/export/tokenize.js";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { letterExtraction } from "../support/extractions.js";

describe("tokenize", () => {
  it("splits words from punctuation, cuts at mention boundaries, and says what follows each token", () => {
    const tokens = tokenize("M. Hagenbeck,\nl'Autriche", [3, 12, 16, 24]);
    expect(tokens.map((t) => [t.text, t.misc])).toEqual([
      ["M", "NoSpaceAfter"],
      [".", "_"],
      ["Hagenbeck", "NoSpaceAfter"],
      [",", "EndOfLine"],
      ["l", "NoSpaceAfter"],
      ["'", "NoSpaceAfter"],
      ["Autriche", "_"],
    ]);
    expect(tokenize("𝔊𝔬𝔱𝔱 Reimsois", [5, 10]).map((t) => [t.text, t.start, t.end])).toEqual([
      ["𝔊𝔬𝔱𝔱", 0, 4],
      ["Reims", 5, 10],
      ["ois", 10, 13],
    ]);
  });
});

describe("plain HIPE TSV export", () => {
  const results = [
    letterExtraction(),
    { ...letterExtraction(), document: { ...letterExtraction().document, filename: "copie.txt" } },
  ];
  const output = hipeTsv(results);
  const file = parseHipeTsv(output, "export.tsv");

  it("has the HIPE header and ten cells on every token row", () => {
    const lines = output.split("\n");
    expect(lines[0]).toBe(HIPE_COLUMNS.join("\t"));
    const rows = lines.filter((line) => line.includes("\t")).slice(1);
    expect(rows.every((row) => row.split("\t").length === 10)).toBe(true);
    expect(output.endsWith("\n")).toBe(true);
  });

  it("reads back as one document per result, with id, language and every mention at its place", () => {
    expect(file.documents.map((d) => [d.id, d.language])).toEqual([
      ["lettre.txt", "fr"],
      ["copie.txt", "fr"],
    ]);
    for (const document of file.documents) {
      expect(document.mentions.map((m) => [m.type, m.text])).toEqual(
        letterExtraction().entities.map((m) => [m.type, m.text]),
      );
    }
  });

  it("writes a HIPE tag set's labels through an eval type map, leaving out types it does not name", async () => {
    const labels = await namedTypeMap("hipe2020");
    const [document] = parseHipeTsv(hipeTsv([letterExtraction()], { labels }), "hipe.tsv").documents;
    // person, place, date and work are pers, loc, time and prod; the map names every type of the letter.
    expect(document?.mentions.map((m) => [m.type, m.text])).toEqual([
      ["pers", "Jean-Bap-\ntiste Colbert"],
      ["loc", "Reims"],
      ["time", "29 août 1619"],
      ["prod", 'Vive le roi, "sire"'],
    ]);
    const places = await namedTypeMap("topres19th");
    const [onlyPlaces] = parseHipeTsv(hipeTsv([letterExtraction()], { labels: places }), "t.tsv").documents;
    expect(onlyPlaces?.mentions.map((m) => [m.type, m.text])).toEqual([["LOC", "Reims"]]);
  });

  it("writes overlapping mentions once: one tag per token", () => {
    const base = letterExtraction();
    const [person] = base.entities;
    if (person === undefined) throw new Error("no mention");
    const nested: Extraction = {
      ...base,
      entities: [person, { ...person, id: "m9", type: "place", start: 23, end: 30, text: "Colbert" }],
    };
    const [document] = parseHipeTsv(hipeTsv([nested]), "nested.tsv").documents;
    expect(document?.mentions.map((m) => m.type)).toEqual(["person"]);
  });
});

describe("evaluation export in the gold's shape", () => {
  const GOLD = [
    "TOKEN\tNE-COARSE-LIT\tNE-COARSE-METO\tNE-FINE-LIT\tNE-FINE-METO\tNE-FINE-COMP\tNE-NESTED\tNEL-LIT\tNEL-METO\tMISC",
    "# hipe2022:document_id = d1",
    "# hipe2022:language = fr",
    "M\tB-pers\t_\tB-pers.ind\t_\tB-comp.title\tO\tQ1\t_\tNoSpaceAfter",
    ".\tI-pers\t_\tI-pers.ind\t_\tI-comp.title\tO\tQ1\t_\t_",
    "Hagenbeck\tI-pers\t_\tI-pers.ind\t_\tB-comp.name\tO\tQ1\t_\tNoSpaceAfter",
    ",\tO\t_\tO\t_\tO\tO\t_\t_\t",
    "#\tO\t_\tO\t_\tO\tO\t_\t_\t_",
    "l'Autriche\tB-loc\t_\tB-loc.adm.nat\t_\tO\tO\tQ40\t_\tEndOfLine",
    "",
    "# hipe2022:document_id = d2",
    "Fin\tO\t_\tO\t_\tO\tO\t_\t_\t_",
    "",
  ].join("\n");
  const gold = parseHipeTsv(GOLD, "gold.tsv");
  const [first, second] = gold.documents;

  it("copies every line but the tags: comments, tokens, MISC; other columns blank, never the gold's", () => {
    if (first === undefined || second === undefined) throw new Error("gold not read");
    const extraction = {
      ...letterExtraction(),
      // "Hagenbeck" predicted without "M.", "Autriche" cut inside its token.
      entities: [
        { ...letterExtraction().entities[0], type: "person", start: 3, end: 12 },
        { ...letterExtraction().entities[1], type: "place", start: 17, end: 25 },
      ],
    } as Extraction;
    const typeMap = { name: "hipe2020", labels: { pers: "person", loc: "place" } };
    const output = predictedTsv({
      file: gold,
      typeMap,
      documents: [{ gold: first, extraction }, { gold: second }],
    });
    expect(output?.split("\n")).toEqual([
      "TOKEN\tNE-COARSE-LIT\tNE-COARSE-METO\tNE-FINE-LIT\tNE-FINE-METO\tNE-FINE-COMP\tNE-NESTED\tNEL-LIT\tNEL-METO\tMISC",
      "# hipe2022:document_id = d1",
      "# hipe2022:language = fr",
      "M\tO\t_\tO\t_\tO\tO\t_\t_\tNoSpaceAfter",
      ".\tO\t_\tO\t_\tO\tO\t_\t_\t_",
      "Hagenbeck\tB-pers\t_\tO\t_\tO\tO\t_\t_\tNoSpaceAfter",
      ",\tO\t_\tO\t_\tO\tO\t_\t_\t",
      "#\tO\t_\tO\t_\tO\tO\t_\t_\t_",
      "l'Autriche\tB-loc\t_\tO\t_\tO\tO\t_\t_\tEndOfLine",
      "",
      "# hipe2022:document_id = d2",
      "Fin\tO\t_\tO\t_\tO\tO\t_\t_\t_",
      "",
    ]);
  });
});
