/**
 * A stored document page by page: GET /v1/documents/:id/pages/:number (the page's text and the
 * mentions on it) and GET .../pages/:number/image (the page image, in the pixel space of the boxes),
 * with real scans read by OCR: an upright-on-display JPEG stored sideways, a two-page TIFF, a scanned
 * PDF, a born-digital PDF, an ALTO export and a text file.
 */
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentOfPrompt } from "../../src/pipeline/extract/prompt.js";
import type { OutputMention, OutputPage } from "../../src/pipeline/extraction.js";
import { codePointSlice, type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";
import { KANT_ALTO, KANT_IMAGE } from "../support/ocr.js";
import { buildPdf, FRENCH_PAGES } from "../support/pdf-fixtures.js";

const LEXICON = [
  { type: "work", text: "Frage" },
  { type: "person", text: "Joséphine Bérard" },
  { type: "place", text: "Genève" },
  { type: "place", text: "Bordeaux" },
];
/**
 * The lexicon's names where the text has them; otherwise (a scan, whose reading depends on the OCR
 * engine and models a machine has) the first long capitalised words OCR read, so a scan always has
 * mentions with boxes.
 */
function model(prompt: string): string {
  const known = lexiconModel(LEXICON)(prompt);
  if ((JSON.parse(known) as { entities: unknown[] }).entities.length) return known;
  const words = new Set((documentOfPrompt(prompt) ?? "").match(/\p{Lu}\p{Ll}{4,}/gu));
  return JSON.stringify({ entities: [...words].slice(0, 3).map((text) => ({ type: "work", text })) });
}

/** "Beantwortung der Frage: / Was iſt Aufklärung?" on the Kant page. */
const TITLE = { left: 167, top: 795, width: 703, height: 156 };
/** Two passages of the body text, the same size (the pages of one TIFF). */
const BODY = [
  { left: 100, top: 1050, width: 560, height: 240 },
  { left: 100, top: 1400, width: 560, height: 240 },
];
const MAX_WIDTH = 600;
const OCR_DPI = 100;
const TEXT = "𝔊𝔬𝔱𝔱 🎉 Lettre écrite à Bordeaux.";

interface PageView {
  page: OutputPage;
  text: string;
  entities: OutputMention[];
  links: { image?: string; entities: string; previous?: string; next?: string };
}

let harness: Harness;
const ids: Record<"jpeg" | "tiff" | "scan" | "born" | "alto" | "text" | "empty", string> = {
  jpeg: "",
  tiff: "",
  scan: "",
  born: "",
  alto: "",
  text: "",
  empty: "",
};
const crop = (region: typeof TITLE) => sharp(KANT_IMAGE).extract(region).png().toBuffer();

/** Queues a file as POST /v1/documents does it and waits for its job; answers the document id. */
async function stored(bytes: Uint8Array, filename: string, fields: Record<string, string> = {}) {
  const { payload, headers } = await multipartBody({ bytes, filename }, fields);
  const response = await harness.app.inject({ method: "POST", url: "/v1/documents", payload, headers });
  expect(response.statusCode).toBe(202);
  const job = response.json() as { id: string; document: string };
  await harness.services.jobs.whenSettled(job.id);
  return job.document;
}

beforeAll(async () => {
  harness = await startHarness({
    server: { respond: model },
    env: { PAGE_IMAGE_MAX_WIDTH: String(MAX_WIDTH), OCR_DPI: String(OCR_DPI) },
  });
  const fraktur = { language: "de", script: "Latf" };
  const title = await crop(TITLE);
  // Stored a quarter turn anticlockwise, with the EXIF orientation (6) that turns it upright.
  const sideways = await sharp(title)
    .rotate(270)
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  const tiff = await sharp(await Promise.all(BODY.map(crop)), { join: { animated: true } })
    .tiff()
    .toBuffer();
  const scanned = await buildPdf([{ image: await sharp(title).jpeg({ quality: 90 }).toBuffer(), dpi: 300 }]);
  [ids.jpeg, ids.tiff, ids.scan, ids.born, ids.alto, ids.text, ids.empty] = await Promise.all([
    stored(sideways, "titre.jpg", fraktur),
    stored(tiff, "corps.tiff", fraktur),
    stored(scanned, "titre.pdf", fraktur),
    stored(await buildPdf(FRENCH_PAGES), "acte.pdf", { language: "fr" }),
    stored(await readFile(KANT_ALTO), "kant.xml", { language: "de" }),
    stored(Buffer.from(TEXT), "lettre.txt", { language: "fr" }),
    stored(Buffer.from("   "), "vide.txt"),
  ]);
}, 180_000);
afterAll(async () => {
  await harness.services.ocr.close();
  await harness.close();
});

async function get(url: string, headers: Record<string, string> = {}) {
  return harness.app.inject({ method: "GET", url, headers });
}

async function pageOf(id: string, number: number): Promise<PageView> {
  const response = await get(`/v1/documents/${id}/pages/${number}`);
  expect(response.statusCode).toBe(200);
  return response.json() as PageView;
}

async function imageOf(id: string, number: number, query = "") {
  const response = await get(`/v1/documents/${id}/pages/${number}/image${query}`);
  expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
  expect(response.headers["content-type"]).toBe("image/jpeg");
  const { width = 0, height = 0, format } = await sharp(response.rawPayload).metadata();
  return { response, width, height, format };
}

/** Mean difference of grey levels (0-255) of two images brought to one small size. */
async function difference(a: Buffer, b: Buffer): Promise<number> {
  const grey = (image: Buffer) =>
    sharp(image).resize(140, 60, { fit: "fill" }).toColourspace("b-w").raw().toBuffer();
  const [x, y] = await Promise.all([grey(a), grey(b)]);
  return x.reduce((sum, value, i) => sum + Math.abs(value - (y[i] ?? 0)), 0) / x.length;
}

/** The height a page of `page`'s size has at `width`, give or take rounding. */
function expectAspect(size: { width: number; height: number }, page: OutputPage) {
  expect(page.width).toBeGreaterThan(0);
  expect(Math.abs(size.height - (size.width * (page.height ?? 0)) / (page.width ?? 1))).toBeLessThanOrEqual(
    1,
  );
}

describe("GET /v1/documents/:id/pages/:number", () => {
  it("gives one page of a scan: its size, its text, the mentions on it with boxes inside it, and its image", async () => {
    const view = await pageOf(ids.jpeg, 1);
    // The image as a viewer shows it: upright, so wider than high.
    expect(view.page).toMatchObject({ number: 1, width: TITLE.width, height: TITLE.height });
    expect(view.page.reading).toMatchObject({ method: "ocr" });
    expect(view.entities.length).toBeGreaterThan(0);
    for (const m of view.entities)
      expect(codePointSlice(view.text, m.start - view.page.start, m.end - view.page.start)).toBe(m.text);
    for (const { bbox } of view.entities) {
      expect(bbox).toBeDefined();
      const { x = -1, y = -1, width = 0, height = 0 } = bbox ?? {};
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(x + width).toBeLessThanOrEqual(TITLE.width);
      expect(y + height).toBeLessThanOrEqual(TITLE.height);
    }
    expect(view.links).toEqual({
      image: `/v1/documents/${ids.jpeg}/pages/1/image`,
      entities: `/v1/documents/${ids.jpeg}/entities`,
    });
  });

  it("keeps the mentions of each page, with offsets into the whole text, and links the pages together", async () => {
    const whole = (await get(`/v1/documents/${ids.born}/entities`)).json() as { text: string };
    const [first, second] = [await pageOf(ids.born, 1), await pageOf(ids.born, 2)];
    expect(first.entities.map((m) => m.text)).toEqual(["Joséphine Bérard"]);
    expect(second.entities.map((m) => m.text)).toEqual(["Genève"]);
    for (const view of [first, second]) {
      expect(view.text).toBe(codePointSlice(whole.text, view.page.start, view.page.end));
      for (const m of view.entities) expect(codePointSlice(whole.text, m.start, m.end)).toBe(m.text);
    }
    expect(second.text.startsWith("Œuvre de la Société des Amis")).toBe(true);
    expect(first.links).toMatchObject({ next: `/v1/documents/${ids.born}/pages/2` });
    expect(first.links.previous).toBeUndefined();
    expect(second.links).toMatchObject({
      image: `/v1/documents/${ids.born}/pages/2/image`,
      previous: `/v1/documents/${ids.born}/pages/1`,
    });
  });

  it("counts code points in a text file, one page long, and names the profile in its links", async () => {
    const response = await get(`/v1/documents/${ids.text}/pages/1?profile=default`);
    const view = response.json() as PageView;
    expect(view.page).toMatchObject({ number: 1, start: 0, end: Array.from(TEXT).length });
    expect(view.text).toBe(TEXT);
    // After four letters and an emoji outside the BMP, each two UTF-16 units but one code point.
    const start = Array.from(TEXT.slice(0, TEXT.indexOf("Bordeaux"))).length;
    expect(start).toBe(TEXT.indexOf("Bordeaux") - 5);
    expect(view.entities).toEqual([expect.objectContaining({ text: "Bordeaux", start, end: start + 8 })]);
    expect(view.links).toEqual({ entities: `/v1/documents/${ids.text}/entities?profile=default` });
  });

  it("gives an ALTO page its size and boxes, but no image link", async () => {
    const view = await pageOf(ids.alto, 1);
    expect(view.page).toMatchObject({ width: 1457, height: 2083, reading: { method: "alto" } });
    expect(view.text.length).toBeGreaterThan(500);
    expect(view.links.image).toBeUndefined();
  });

  it.each([
    ["an unknown document", () => "/v1/documents/nope/pages/1", /There is no document nope/],
    ["a document without a result", () => `/v1/documents/${ids.empty}/pages/1`, /has no result/],
    [
      "a page past the last",
      () => `/v1/documents/${ids.born}/pages/3`,
      /no page 3: the document has 2 pages/,
    ],
    ["a page past a text file's one", () => `/v1/documents/${ids.text}/pages/2`, /has 1 page\./],
  ])("answers 404 NOT_FOUND for %s", async (_, url, message) => {
    const response = await get(url());
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      error: { code: "NOT_FOUND", message: expect.stringMatching(message) },
    });
  });

  it("refuses page 0 and a page that is not a number", async () => {
    for (const page of ["0", "one"]) {
      const response = await get(`/v1/documents/${ids.born}/pages/${page}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    }
  });
});

describe("GET /v1/documents/:id/pages/:number/image", () => {
  it("serves an image file as a viewer shows it, in the page's pixel space, at most PAGE_IMAGE_MAX_WIDTH wide", async () => {
    const { page } = await pageOf(ids.jpeg, 1);
    const served = await imageOf(ids.jpeg, 1);
    expect(served.format).toBe("jpeg");
    expect(served.width).toBe(MAX_WIDTH);
    expectAspect(served, page);
    // Upright, the very pixels of the scan: close to the crop it was made from.
    expect(await difference(served.response.rawPayload, await crop(TITLE))).toBeLessThan(12);
  });

  it("scales down to ?width=, and never up", async () => {
    const { page } = await pageOf(ids.jpeg, 1);
    const small = await imageOf(ids.jpeg, 1, "?width=200");
    expect(small.width).toBe(200);
    expectAspect(small, page);
    expect((await imageOf(ids.jpeg, 1, `?width=${TITLE.width - 3}`)).width).toBe(TITLE.width - 3);
    const large = await imageOf(ids.jpeg, 1, "?width=5000");
    expect([large.width, large.height]).toEqual([TITLE.width, TITLE.height]);
    for (const width of ["0", "-5", "70000", "wide"]) {
      const refused = await get(`/v1/documents/${ids.jpeg}/pages/1/image?width=${width}`);
      expect(refused.statusCode).toBe(400);
    }
  });

  it("serves each page of a multi-page TIFF, at its own size when under the limit", async () => {
    const pages = [await pageOf(ids.tiff, 1), await pageOf(ids.tiff, 2)];
    const served = [await imageOf(ids.tiff, 1), await imageOf(ids.tiff, 2)];
    for (const [i, image] of served.entries()) {
      expect([image.width, image.height]).toEqual([BODY[i]?.width, BODY[i]?.height]);
      expect([pages[i]?.page.width, pages[i]?.page.height]).toEqual([image.width, image.height]);
    }
    const [one, two] = served.map((image) => image.response.rawPayload);
    const [body1, body2] = await Promise.all(BODY.map(crop));
    if (!one || !two || !body1 || !body2) throw new Error("missing image");
    expect(await difference(one, body1)).toBeLessThan(12);
    expect(await difference(two, body2)).toBeLessThan(12);
    expect(await difference(one, two)).toBeGreaterThan(2 * (await difference(one, body1)));
  });

  it("serves a scanned PDF page as OCR saw it: the embedded scan, whose pixels the boxes are in", async () => {
    const { page, entities } = await pageOf(ids.scan, 1);
    expect(page).toMatchObject({ width: TITLE.width, height: TITLE.height, reading: { image: "embedded" } });
    expect(entities.length).toBeGreaterThan(0);
    const served = await imageOf(ids.scan, 1);
    expect(served.width).toBe(MAX_WIDTH);
    expectAspect(served, page);
    expect(await difference(served.response.rawPayload, await crop(TITLE))).toBeLessThan(12);
    const full = await imageOf(ids.scan, 1, `?width=${TITLE.width}`);
    expect([full.width, full.height]).toEqual([TITLE.width, TITLE.height]);
  });

  it("renders a born-digital PDF page at OCR_DPI", async () => {
    const served = await imageOf(ids.born, 2, "?width=5000");
    // An A4 page, 595 x 842 points.
    expect(served.width).toBe(Math.round((595 * OCR_DPI) / 72));
    expect(Math.abs(served.height - (served.width * 842) / 595)).toBeLessThanOrEqual(1);
  });

  it("is cacheable for ever by the browser, not by shared caches, and answers 304 to the ETag it gave", async () => {
    const url = `/v1/documents/${ids.tiff}/pages/2/image?width=300`;
    const first = await get(url);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(new RegExp(`^W/"${ids.tiff}-2-300"$`));
    expect(first.headers["cache-control"]).toBe("private, max-age=31536000, immutable");
    const again = await get(url, { "if-none-match": etag });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect((await get(url, { "if-none-match": `"other", ${etag.slice(2)}` })).statusCode).toBe(304);
    for (const other of [
      `/v1/documents/${ids.tiff}/pages/1/image?width=300`,
      `/v1/documents/${ids.tiff}/pages/2/image`,
    ]) {
      const response = await get(other, { "if-none-match": etag });
      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).not.toBe(etag);
    }
  });

  it("is described in the OpenAPI description, with its bounds", async () => {
    const spec = (await get("/docs/json")).json() as {
      paths: Record<string, { get?: { tags?: string[]; parameters?: { name: string; schema?: object }[] } }>;
    };
    const image = spec.paths["/v1/documents/{id}/pages/{number}/image"]?.get;
    expect(image?.tags).toEqual(["documents"]);
    expect(image?.parameters?.find((p) => p.name === "width")?.schema).toMatchObject({
      type: "integer",
      minimum: 1,
      maximum: 65535,
    });
    expect(spec.paths["/v1/documents/{id}/pages/{number}"]?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(["id", "number", "profile"]),
    );
  });

  it.each([
    ["a text file", () => ids.text],
    ["an ALTO file", () => ids.alto],
  ])("answers 404 NO_PAGE_IMAGE for %s, saying what to do", async (_, id) => {
    const response = await get(`/v1/documents/${id()}/pages/1/image`);
    expect(response.statusCode).toBe(404);
    expect(response.headers["cache-control"]).toBeUndefined();
    expect(response.json()).toMatchObject({
      error: { code: "NO_PAGE_IMAGE", message: expect.stringContaining("send the scan itself") },
    });
  });

  it.each([
    ["an unknown document", () => "/v1/documents/nope/pages/1/image", /There is no document nope/],
    [
      "a TIFF page past the last",
      () => `/v1/documents/${ids.tiff}/pages/3/image`,
      /the document has 2 pages/,
    ],
    [
      "a PDF page past the last",
      () => `/v1/documents/${ids.scan}/pages/2/image`,
      /the document has 1 page\./,
    ],
  ])("answers 404 NOT_FOUND for %s", async (_, url, message) => {
    const response = await get(url());
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      error: { code: "NOT_FOUND", message: expect.stringMatching(message) },
    });
  });
});
