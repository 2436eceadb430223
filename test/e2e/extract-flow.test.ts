/**
 * The whole flow over real HTTP: document in through the API, prompts to the TGI test server, grounded
 * entities out. Each test checks what reached the server as well as what came back.
 */
import iconv from "iconv-lite";
import { afterEach, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { codePointSlice, type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";
import { buildPdf, FRENCH_PAGES } from "../support/pdf-fixtures.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const FRENCH_LEXICON = [
  { type: "person", text: "Joséphine Bérard" },
  { type: "place", text: "Nîmes" },
  { type: "date", text: "3 août 1792" },
  { type: "person", text: "Jean-Baptiste Bérard" },
  { type: "organization", text: "Société des Amis" },
  { type: "place", text: "Genève" },
];

function expectGrounded(result: Extraction) {
  for (const mention of result.entities) {
    expect(codePointSlice(result.text, mention.start, mention.end)).toBe(mention.text);
  }
}

async function extractText(h: Harness, text: string, query = "") {
  const response = await h.app.inject({ method: "POST", url: `/v1/extract${query}`, payload: { text } });
  return { status: response.statusCode, body: response.json() as Extraction };
}

describe("POST /v1/extract, end to end", () => {
  it("reads a French PDF over real HTTP and grounds every entity on its page", async () => {
    harness = await startHarness({ server: { respond: lexiconModel(FRENCH_LEXICON) } });
    const address = await harness.app.listen({ port: 0, host: "127.0.0.1" });
    const form = new FormData();
    form.append("language", "fr");
    form.append("file", new Blob([await buildPdf(FRENCH_PAGES)], { type: "application/pdf" }), "acte.pdf");
    const response = await fetch(`${address}/v1/extract`, { method: "POST", body: form });
    expect(response.status).toBe(200);
    const result = (await response.json()) as Extraction;

    expect(result.document).toMatchObject({
      mediaType: "application/pdf",
      language: "fr",
      filename: "acte.pdf",
    });
    expect(result.document.id).toMatch(/^[0-9a-f]{64}$/);
    expect(result.document.pages.map((p) => p.number)).toEqual([1, 2]);
    expectGrounded(result);
    const byText = new Map(result.entities.map((m) => [m.text, m]));
    expect([...byText.keys()].sort()).toEqual(FRENCH_LEXICON.map((e) => e.text).sort());
    expect(byText.get("Nîmes")).toMatchObject({ type: "place", page: 1, alignment: "exact" });
    expect(byText.get("Genève")).toMatchObject({ type: "place", page: 2, line: 1 });
    expect(result.stats.modelCalls).toBeGreaterThan(0);
    expect(result.model).toMatchObject({ server: "tgi", grammar: true });
  });

  it("sends the profile's JSON Schema as TGI grammar, with greedy decoding", async () => {
    harness = await startHarness({ server: { respond: lexiconModel(FRENCH_LEXICON) } });
    await extractText(harness, "Joséphine Bérard, née à Nîmes.");
    const generations = harness.server.received.filter(
      (r) => r.method === "POST" && (r.path === "/" || r.path === "/generate"),
    );
    expect(generations.length).toBeGreaterThan(0);
    const { parameters } = (generations[0]?.body ?? {}) as { parameters: Record<string, unknown> };
    const grammar = parameters.grammar as { type: string; value: unknown };
    expect(grammar.type).toBe("json");
    const schema = typeof grammar.value === "string" ? JSON.parse(grammar.value) : grammar.value;
    expect(schema).toEqual(harness.services.profiles.get("default").schema);
    expect(parameters.do_sample ?? false).toBe(false);
  });

  it("gives code-point offsets when characters outside the BMP stand before a mention", async () => {
    harness = await startHarness({
      server: { respond: lexiconModel([{ type: "place", text: "Königsberg" }]) },
    });
    const text = "𝔄𝔫𝔫𝔬 1784 🎉 — geschrieben zu Königsberg in Preußen.";
    const { status, body } = await extractText(harness, text, "?language=de");
    expect(status).toBe(200);
    const [mention] = body.entities;
    expect(mention).toMatchObject({ text: "Königsberg", start: 29, end: 39, alignment: "exact" });
    // In UTF-16 units it stands at 34: five surrogate pairs come before it.
    expect(text.indexOf("Königsberg")).toBe(34);
    expectGrounded(body);
  });

  it("rejects a mention that is not in the document as a hallucination", async () => {
    harness = await startHarness({
      server: {
        respond: lexiconModel(
          [{ type: "place", text: "Lyon" }],
          [{ type: "person", text: "Napoléon Bonaparte" }],
        ),
      },
    });
    const { body } = await extractText(harness, "Le courrier de Lyon est arrivé hier soir.");
    expect(body.entities.map((m) => m.text)).toEqual(["Lyon"]);
    expect(body.rejected).toEqual([
      expect.objectContaining({
        reason: "not_in_document",
        item: expect.objectContaining({ text: "Napoléon Bonaparte" }),
      }),
    ]);
  });

  it("refuses a date with a digit changed, and takes the alignment policy from the request", async () => {
    const text = "Le 28 mai 1858, M. Hagenbcck quitta Lyon.";
    harness = await startHarness({
      server: {
        respond: () =>
          JSON.stringify({
            entities: [
              { type: "date", text: "29 mai 1858", value: "1858-05-29" },
              { type: "person", text: "M. Hagenbeck" },
            ],
          }),
      },
    });
    const { body } = await extractText(harness, text);
    expect(body.entities).toEqual([
      expect.objectContaining({
        text: "M. Hagenbcck",
        alignment: "fuzzy",
        editDistance: 1,
        differences: ["ocr"],
      }),
    ]);
    expect(body.rejected).toEqual([
      expect.objectContaining({
        reason: "different_number",
        nearest: { start: 3, end: 14, text: "28 mai 1858", page: 1, line: 1 },
      }),
    ]);
    // Without fuzzy alignment the misread name is refused too, with the text it was closest to.
    const strict = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      payload: { text, fuzzy: false },
    });
    const refused = strict.json() as Extraction;
    expect(refused.entities).toEqual([]);
    expect(refused.rejected.map((r) => [r.reason, r.nearest?.text])).toEqual([
      ["different_number", "28 mai 1858"],
      ["too_different", "M. Hagenbcck"],
    ]);
    const bad = await harness.app.inject({
      method: "POST",
      url: "/v1/extract?maxEditRatio=2",
      payload: { text },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("places a name the model lists twice at each of its occurrences", async () => {
    harness = await startHarness({ server: { respond: lexiconModel([{ type: "place", text: "Paris" }]) } });
    const text = "Parti de Paris le lundi, il revint à Paris le jeudi.";
    const { body } = await extractText(harness, text);
    expect(body.entities.map((m) => m.start)).toEqual([9, 37]);
    expect(new Set(body.entities.map((m) => m.entity)).size).toBe(1);
  });

  it("reads Windows-1252 text and keeps its accents", async () => {
    harness = await startHarness({
      server: { respond: lexiconModel([{ type: "person", text: "Françoise Œillet" }]) },
    });
    const bytes = iconv.encode("Reçu de Françoise Œillet la somme de 5 € — l’an 1790.", "windows-1252");
    const upload = await multipartBody({ bytes, filename: "recu.txt", type: "text/plain" });
    const response = await harness.app.inject({ method: "POST", url: "/v1/extract", ...upload });
    const body = response.json() as Extraction;
    expect(body.document.encoding).toBe("windows-1252");
    expect(body.text).toContain("5 € — l’an");
    expect(body.entities).toEqual([expect.objectContaining({ text: "Françoise Œillet", start: 8, end: 24 })]);
  });

  it("retries after a 429 and succeeds", async () => {
    harness = await startHarness({ server: { respond: lexiconModel([{ type: "place", text: "Lyon" }]) } });
    harness.server.failNext({ status: 429 }, { status: 429 });
    const { status, body } = await extractText(harness, "Le courrier de Lyon.");
    expect(status).toBe(200);
    expect(body.entities).toHaveLength(1);
    expect(body.stats.retries).toBe(2);
    expect(harness.sleeps).toHaveLength(2);
  });

  it("recovers a truncated answer by raising the output budget", async () => {
    const names = Array.from({ length: 30 }, (_, i) => ({ type: "person", text: `Témoin${i} Martin` }));
    harness = await startHarness({ server: { respond: lexiconModel(names) }, env: { MAX_NEW_TOKENS: "64" } });
    const text = `Furent présents ${names.map((n) => n.text).join(", ")}.`;
    const { status, body } = await extractText(harness, text);
    expect(status).toBe(200);
    expect(body.entities).toHaveLength(30);
    const budgets = harness.server.received
      .filter((r) => r.method === "POST" && (r.path === "/" || r.path === "/generate"))
      .map((r) => (r.body as { parameters: { max_new_tokens: number } }).parameters.max_new_tokens);
    expect(budgets[0]).toBe(64);
    expect(Math.max(...budgets)).toBeGreaterThan(64);
    expect(body.rejected).toEqual([]);
  });

  it("recovers a 422 'input too long' by splitting the chunk", async () => {
    const lexicon = [
      { type: "place", text: "Marseille" },
      { type: "place", text: "Toulon" },
    ];
    harness = await startHarness({
      server: { respond: lexiconModel(lexicon), maxInputTokens: 700, maxTotalTokens: 1200 },
    });
    // The server's /info overstates its limit, as a misconfigured deployment would: only its 422 tells the truth.
    const endpoint = harness.services.endpoint;
    const info = await endpoint.info();
    harness.services.endpoint = {
      ...endpoint,
      info: async () => ({ ...info, maxInputTokens: 4000, maxTotalTokens: 4600 }),
      countTokens: (t) => endpoint.countTokens(t),
      generate: (r) => endpoint.generate(r),
    };
    const sentences = Array.from(
      { length: 40 },
      (_, i) => `Le navire numéro ${i} partit de Marseille pour Toulon.`,
    );
    const { status, body } = await extractText(harness, sentences.join(" "));
    expect(status).toBe(200);
    expect(body.stats.splits).toBeGreaterThan(0);
    expect(body.entities).toHaveLength(80);
  });
});
