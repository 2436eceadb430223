/**
 * Provenance through the whole product: a document with a layout (here an ALTO export, whose
 * boxes are known) goes in through the API, and every mention comes back with its page, its line,
 * the union of its words' boxes and the confidence of its least sure word.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { codePointSlice, type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const word = (content: string, x: number, y: number, width: number, wc: number) =>
  `<String CONTENT="${content}" HPOS="${x}" VPOS="${y}" WIDTH="${width}" HEIGHT="40" WC="${wc}"/>`;

/** Two blocks; "Jean-Baptiste Colbert" spans a line break, "𝔑𝔬𝔱𝔦𝔷" puts characters outside the BMP first. */
const ALTO = `<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Description><MeasurementUnit>pixel</MeasurementUnit></Description>
<Layout><Page WIDTH="1200" HEIGHT="1600"><PrintSpace>
<TextBlock><TextLine>${word("𝔑𝔬𝔱𝔦𝔷.", 100, 100, 200, 0.97)}</TextLine></TextBlock>
<TextBlock>
<TextLine>${word("Monsieur", 100, 200, 180, 0.93)}${word("Jean-Baptiste", 300, 200, 260, 0.91)}</TextLine>
<TextLine>${word("Colbert", 100, 250, 150, 0.45)}${word("naquit", 270, 250, 120, 0.88)}${word("à", 400, 250, 20, 0.9)}${word("Reims", 430, 250, 110, 0.96)}</TextLine>
</TextBlock></PrintSpace></Page></Layout></alto>`;

describe("provenance of mentions in documents with a layout", () => {
  it("gives each mention its page, line, box (the union of its words') and lowest word confidence", async () => {
    harness = await startHarness({
      server: {
        respond: lexiconModel([
          { type: "person", text: "Jean-Baptiste Colbert" },
          { type: "place", text: "Reims" },
        ]),
      },
    });
    const { payload, headers } = await multipartBody(
      { bytes: new TextEncoder().encode(ALTO), filename: "colbert.xml", type: "application/xml" },
      { language: "fr" },
    );
    const response = await harness.app.inject({ method: "POST", url: "/v1/extract", payload, headers });
    expect(response.statusCode).toBe(200);
    const result = response.json() as Extraction;

    expect(result.document.mediaType).toBe("application/alto+xml");
    expect(result.document.pages).toEqual([
      expect.objectContaining({ number: 1, width: 1200, height: 1600, reading: { method: "alto" } }),
    ]);
    const [colbert, reims] = result.entities;
    expect(codePointSlice(result.text, colbert?.start ?? 0, colbert?.end ?? 0)).toBe(
      "Jean-Baptiste\nColbert",
    );
    // Lines count from the top of the page, by the layout's lines (the blank line between blocks is not one).
    expect(colbert).toMatchObject({
      page: 1,
      line: 2,
      bbox: { x: 100, y: 200, width: 460, height: 90 },
      confidence: 0.45,
      lowConfidence: true,
    });
    expect(reims).toMatchObject({
      text: "Reims",
      line: 3,
      bbox: { x: 430, y: 250, width: 110, height: 40 },
      confidence: 0.96,
      lowConfidence: false,
    });
  });
});
