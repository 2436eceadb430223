/** JSON Lines and CSV exports: one record per mention, read back by a CSV parser as written. */
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csv } from "../../src/export/csv.js";
import { jsonLines } from "../../src/export/jsonl.js";
import { CSV_COLUMNS, csvOf, type ResultLine } from "../../src/jobs/results.js";
import { extractionOf, LETTER_TEXT, letterExtraction } from "../support/extractions.js";

describe("JSON Lines export", () => {
  it("writes one mention per line with its document, offsets and attributes", () => {
    const lines = jsonLines([letterExtraction()])
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({
      document: letterExtraction().document.id,
      filename: "lettre.txt",
      id: "m1",
      entity: "person-1",
      entityName: "Jean-Bap-\ntiste Colbert",
      type: "person",
      start: 7,
      end: 30,
      text: "Jean-Bap-\ntiste Colbert",
      page: 1,
      line: 2,
      alignment: "fuzzy",
      modelText: "Jean-Baptiste Colbert",
      attributes: {},
    });
    expect([...LETTER_TEXT].slice(lines[0].start, lines[0].end).join("")).toBe(lines[0].text);
  });
});

describe("CSV export", () => {
  it("quotes what needs it, so a parser reads every cell back unchanged", () => {
    const output = csv([letterExtraction()]);
    expect(output.split("\r\n")[0]).toBe(
      "document_id,filename,mention_id,entity_id,entity_name,type,start,end,text,page,line,alignment,model_text,attributes.authors,attributes.kind,attributes.value",
    );
    const rows = parse(output, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.text)).toEqual([
      "Jean-Bap-\ntiste Colbert",
      "Reims",
      "29 août 1619",
      'Vive le roi, "sire"',
    ]);
    expect(rows[2]).toMatchObject({
      type: "date",
      start: "50",
      end: "62",
      "attributes.value": "1619-08-29",
      "attributes.kind": "",
    });
    expect(rows[3]?.["attributes.authors"]).toBe('["anon."]');
    expect(rows[0]?.model_text).toBe("Jean-Baptiste Colbert");
  });

  it("adds box and OCR confidence columns only when some mention has them", () => {
    const plain = parse(csv([letterExtraction()]), { columns: true }) as Record<string, string>[];
    expect(Object.keys(plain[0] ?? {})).not.toContain("bbox_x");
    expect(Object.keys(plain[0] ?? {})).not.toContain("ocr_confidence");
    const scanned = extractionOf("Lettre de Voltaire", [
      {
        type: "person",
        text: "Voltaire",
        bbox: { x: 120, y: 40, width: 88, height: 21 },
        confidence: 0.42,
        lowConfidence: true,
      },
    ]);
    const rows = parse(csv([scanned, letterExtraction()]), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({
      bbox_x: "120",
      bbox_y: "40",
      bbox_width: "88",
      bbox_height: "21",
      ocr_confidence: "0.42",
      low_confidence: "true",
    });
    expect(rows[1]).toMatchObject({ bbox_x: "", ocr_confidence: "", text: "Jean-Bap-\ntiste Colbert" });
    expect(jsonLines([scanned])).toContain(
      '"bbox":{"x":120,"y":40,"width":88,"height":21},"confidence":0.42,"lowConfidence":true}',
    );
  });
});

describe("batch results as CSV", () => {
  it("has the export's mention columns, boxes and OCR confidence included, after the entry's", async () => {
    const scanned = extractionOf("Lettre de Voltaire", [
      {
        type: "person",
        text: "Voltaire",
        bbox: { x: 120, y: 40, width: 88, height: 21 },
        confidence: 0.42,
        lowConfidence: true,
        attributes: { role: "auteur" },
      },
    ]);
    async function* lines(): AsyncGenerator<ResultLine> {
      yield {
        path: "scans/1.png",
        status: "done",
        document: scanned.document.id,
        extraction: JSON.stringify(scanned),
      };
      yield {
        path: "scans/2.png",
        status: "failed",
        document: "d2",
        error: { code: "OCR_FAILED", message: "No page could be read", retryable: false },
      };
    }
    let text = "";
    for await (const chunk of csvOf(lines())) text += String(chunk);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(rows[0]).toMatchObject({
      path: "scans/1.png",
      status: "done",
      document_id: scanned.document.id,
      mention_id: "m1",
      text: "Voltaire",
      bbox_x: "120",
      bbox_height: "21",
      ocr_confidence: "0.42",
      low_confidence: "true",
      attributes: '{"role":"auteur"}',
    });
    expect(rows[1]).toMatchObject({
      path: "scans/2.png",
      status: "failed",
      error_code: "OCR_FAILED",
      text: "",
      bbox_x: "",
    });
  });
});
