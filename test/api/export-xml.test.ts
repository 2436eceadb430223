/**
 * The XML exports through the API: `tei` of any result, `alto` and `page` of documents read from an
 * ALTO or PAGE file (the stored file with the entities written in), from POST /v1/extract?format= and
 * GET /v1/documents/:id/entities?format=; EXPORT_NOT_APPLICABLE for the others.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";

const LEXICON = [
  { type: "person", text: "Jean Dupuy" },
  { type: "place", text: "Bordeaux" },
];
const TEXT = "Jean Dupuy écrivit de Bordeaux le 2 mars 1790.";

/** An ALTO file of TEXT, one String per word. */
const ALTO = `<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">
  <Description><MeasurementUnit>pixel</MeasurementUnit></Description>
  <Layout><Page ID="p1" WIDTH="1000" HEIGHT="1000" PHYSICAL_IMG_NR="1"><PrintSpace>
    <TextBlock ID="b1"><TextLine ID="l1">
${TEXT.split(" ")
  .map(
    (word, i) =>
      `      <String ID="s${i}" CONTENT="${word}" HPOS="${i * 100}" VPOS="10" WIDTH="90" HEIGHT="30"/>`,
  )
  .join("<SP/>\n")}
    </TextLine></TextBlock>
  </PrintSpace></Page></Layout>
</alto>
`;

let harness: Harness;
let altoId: string;
let textId: string;

async function store(bytes: Buffer, filename: string): Promise<string> {
  const { payload, headers } = await multipartBody({ bytes, filename }, { language: "fr" });
  const response = await harness.app.inject({ method: "POST", url: "/v1/documents", payload, headers });
  const job = response.json() as { id: string; document: string };
  await harness.services.jobs.whenSettled(job.id);
  return job.document;
}

beforeAll(async () => {
  harness = await startHarness({ server: { respond: lexiconModel(LEXICON) } });
  altoId = await store(Buffer.from(ALTO), "lettre.alto.xml");
  textId = await store(Buffer.from(TEXT), "lettre.txt");
});
afterAll(() => harness.close());

const get = (url: string) => harness.app.inject({ method: "GET", url });

describe("XML exports through the API", () => {
  it("answers a stored ALTO document's file with its entities tagged, the rest as stored", async () => {
    const response = await get(`/v1/documents/${altoId}/entities?format=alto`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/alto\+xml/);
    expect(response.headers["content-disposition"]).toContain('filename="lettre.alto.xml.alto.xml"');
    expect(response.body).toContain('<NamedEntityTag ID="person-1" TYPE="person" LABEL="Jean Dupuy"/>');
    expect(response.body).toContain(
      'CONTENT="Dupuy" HPOS="100" VPOS="10" WIDTH="90" HEIGHT="30" TAGREFS="person-1"/>',
    );
    expect(response.body).toContain(
      'CONTENT="Bordeaux" HPOS="400" VPOS="10" WIDTH="90" HEIGHT="30" TAGREFS="place-1"/>',
    );
    const untagged = response.body.replace(/ TAGREFS="[^"]*"/g, "").replace(/<Tags>[\s\S]*?<\/Tags>\s*/, "");
    expect(untagged).toBe(ALTO);
  });

  it("answers TEI of any stored document", async () => {
    for (const id of [altoId, textId]) {
      const response = await get(`/v1/documents/${id}/entities?format=tei`);
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("application/tei+xml; charset=utf-8");
      expect(response.body).toContain('<persName xml:id="m1" ref="#person-1">Jean Dupuy</persName>');
      expect(response.body).toContain('<placeName xml:id="m2" ref="#place-1">Bordeaux</placeName>');
    }
  });

  it("refuses an ALTO or PAGE export of a document not read from one, saying what to choose", async () => {
    for (const url of [
      `/v1/documents/${textId}/entities?format=alto`,
      `/v1/documents/${altoId}/entities?format=page`,
    ]) {
      const response = await get(url);
      expect(response.statusCode).toBe(422);
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
      expect(response.json()).toMatchObject({
        error: { code: "EXPORT_NOT_APPLICABLE", message: expect.stringContaining("Choose tei") },
      });
    }
  });

  it("exports an upload of POST /v1/extract as TEI or tagged ALTO, and refuses ALTO of a text before reading it", async () => {
    const extract = (query: string, body: string, type: string) =>
      harness.app.inject({
        method: "POST",
        url: `/v1/extract?${query}`,
        headers: { "content-type": type },
        payload: body,
      });
    const alto = await extract("format=alto&filename=lettre.xml", ALTO, "application/xml");
    expect(alto.statusCode).toBe(200);
    expect(alto.body).toContain('TAGREFS="place-1"');
    const teiAnswer = await extract("format=tei", TEXT, "text/plain");
    expect(teiAnswer.statusCode).toBe(200);
    expect(teiAnswer.body).toContain("<TEI xmlns=");

    const calls = harness.server.received.length;
    const refused = await extract("format=alto", TEXT, "text/plain");
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ error: { code: "EXPORT_NOT_APPLICABLE" } });
    // Refused from the file's type, before the model was asked anything.
    expect(harness.server.received.length).toBe(calls);
  });
});
