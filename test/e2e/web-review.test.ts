/**
 * The document view in a real browser against the real app and the TGI test server: documents go in
 * through the page, and the highlights, boxes, pages and exports are checked against the API.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { documentOfPrompt } from "../../src/pipeline/extract/prompt.js";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { accessibilityViolations, browserSessions, hasChromium } from "../support/browser.js";
import { type LexiconEntry, lexiconModel } from "../support/harness.js";
import { KANT_IMAGE } from "../support/ocr.js";
import { buildPdf } from "../support/pdf-fixtures.js";
import {
  expectHighlightsGrounded,
  focusedId,
  highlights,
  readDocument,
  uploadAndOpen,
} from "../support/review-page.js";

// Characters outside the BMP (𝔄, 𓂀) come before mentions: UTF-16 offsets would shift every highlight.
const LETTER = [
  "𝔄𝔫𝔫𝔬 1792. Joséphine Bérard écrit de Nîmes à 𓂀 Jean-Baptiste Bérard,",
  "membre de la Société des Amis de Genève.",
  "Joséphine Bérard signe à Nîmes.",
].join("\n");
// The place Genève lies inside the organisation: both are highlighted, one inside the other.
const LEXICON: LexiconEntry[] = [
  { type: "person", text: "Joséphine Bérard" },
  { type: "place", text: "Nîmes" },
  { type: "person", text: "Jean-Baptiste Bérard" },
  { type: "organization", text: "Société des Amis de Genève" },
  { type: "place", text: "Genève" },
];
const HEBREW_ALTO = join(
  import.meta.dirname,
  "../fixtures/formats/alto/kraken-tests_bsb00084914_00007_alto-v4.xml",
);
const SCREENSHOTS = join(import.meta.dirname, "../../docs");

/** Where each drawn box is, as a share of the page image on screen. */
async function boxesOnImage(page: Page) {
  return page.$$eval(".sheet .box", (boxes) => {
    const sheet = boxes[0]?.closest(".sheet")?.getBoundingClientRect();
    return boxes.map((box) => {
      const r = box.getBoundingClientRect();
      const s = sheet ?? r;
      return {
        id: box.getAttribute("data-id") ?? "",
        x: (r.x - s.x) / s.width,
        y: (r.y - s.y) / s.height,
        width: r.width / s.width,
        height: r.height / s.height,
      };
    });
  });
}

/** The drawn boxes sit where the mentions' boxes say, to a pixel of the page as shown. */
async function expectBoxesWhereTheApiSays(page: Page, result: Extraction, pageNumber: number) {
  const sheetWidth = await page.locator(".sheet").evaluate((e) => e.getBoundingClientRect().width);
  const info = result.document.pages.find((p) => p.number === pageNumber);
  const { width = 1, height = 1 } = info ?? {};
  const expected = result.entities.filter((m) => m.page === pageNumber && m.bbox);
  const drawn = await boxesOnImage(page);
  expect(expected.length).toBeGreaterThan(0);
  expect(drawn.map((b) => b.id).sort()).toEqual(expected.map((m) => m.id).sort());
  const tolerance = 1.5 / sheetWidth;
  for (const box of drawn) {
    const bbox = expected.find((m) => m.id === box.id)?.bbox;
    expect(Math.abs(box.x - (bbox?.x ?? 0) / width)).toBeLessThan(tolerance);
    expect(Math.abs(box.y - (bbox?.y ?? 0) / height)).toBeLessThan(tolerance * (width / height) + 0.002);
    expect(Math.abs(box.width - (bbox?.width ?? 0) / width)).toBeLessThan(tolerance * 2);
  }
}

describe.skipIf(!hasChromium)("the document view in chromium", () => {
  const sessions = browserSessions();
  const serve = (respond: (prompt: string) => string) => sessions.serve({ respond });

  it("highlights every mention where the offsets say, nests a place inside an organisation, moves by key and exports in every format", async () => {
    const { address, page } = await serve(
      lexiconModel(LEXICON, [{ type: "person", text: "Napoléon Bonaparte" }]),
    );
    const { result, marks } = await uploadAndOpen(
      page,
      address,
      { name: "lettre.txt", mimeType: "text/plain", buffer: Buffer.from(LETTER, "utf8") },
      "fr",
    );

    expectHighlightsGrounded(result, marks);
    expect(marks.map((m) => m.text)).toEqual([
      "Joséphine Bérard",
      "Nîmes",
      "Jean-Baptiste Bérard",
      "Société des Amis de Genève",
      "Genève",
      "Joséphine Bérard",
      "Nîmes",
    ]);
    expect(await page.locator('mark[data-type="organization"] > mark[data-type="place"]').textContent()).toBe(
      "Genève",
    );
    // The invented mention is not in the text: it is listed with its reason instead.
    await expect(page.locator("section", { hasText: "Rejected (1)" }).textContent()).resolves.toContain(
      "Napoléon Bonaparte",
    );
    await expect(page.getByRole("heading", { name: /^Entities/ }).textContent()).resolves.toBe(
      "Entities (5)",
    );

    await page.keyboard.press("n");
    expect(await focusedId(page)).toBe(marks[0]?.id);
    await page.keyboard.press("n");
    await page.keyboard.press("n");
    expect(await focusedId(page)).toBe(marks[2]?.id);
    await page.keyboard.press("p");
    expect(await focusedId(page)).toBe(marks[1]?.id);
    await expect(page.locator(".reading [role=status]").textContent()).resolves.toBe(
      "Mention 2 of 7 on this page: place, exact match: Nîmes",
    );
    // The address names the mention: it can be copied and opened again.
    expect(page.url()).toContain(`mention=${marks[1]?.id}`);

    // With places filtered out, the next key skips them, the nested one included.
    await page.getByRole("checkbox", { name: /^place/ }).uncheck();
    await page.keyboard.press("n");
    expect(await focusedId(page)).toBe(marks[2]?.id);
    await page.keyboard.press("n");
    expect(await focusedId(page)).toBe(marks[3]?.id);
    await page.keyboard.press("n");
    expect(await focusedId(page)).toBe(marks[5]?.id);
    await page.getByRole("checkbox", { name: /^place/ }).check();
    await page.keyboard.press("n");
    expect(await focusedId(page)).toBe(marks[6]?.id);

    // A mention's link in the entity list leads to its place in the text.
    await page.getByRole("link", { name: /^Jean-Baptiste Bérard \(page 1, line 1/ }).click();
    expect(await focusedId(page)).toBe(marks[2]?.id);

    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "screenshot-document.png") });

    const exported = new Map<string, string>();
    for (const name of ["JSON", "JSON Lines", "CSV", "HIPE TSV", "Web Annotation"]) {
      const href = await page.getByRole("link", { name, exact: true }).getAttribute("href");
      const response = await fetch(new URL(href ?? "", address));
      expect(response.status).toBe(200);
      exported.set(name, await response.text());
    }
    expect(JSON.parse(exported.get("JSON") ?? "").entities).toHaveLength(7);
    expect(exported.get("JSON Lines")?.trim().split("\n")).toHaveLength(7);
    expect(exported.get("CSV")).toContain("Société des Amis de Genève");
    expect(exported.get("HIPE TSV")).toMatch(/^Nîmes\tB-/m);
    expect(JSON.parse(exported.get("Web Annotation") ?? "")).toMatchObject({ type: "AnnotationCollection" });
  }, 120_000);

  it("shows a Hebrew ALTO page right to left, its highlights on the right words and its boxes on a blank page", async () => {
    const { address, page } = await serve(
      lexiconModel([
        { type: "place", text: "הכרמל" },
        { type: "person", text: "יונה" },
      ]),
    );
    const { result, marks } = await uploadAndOpen(
      page,
      address,
      { name: "hebrew-alto.xml", mimeType: "application/xml", buffer: await readFile(HEBREW_ALTO) },
      "he",
    );
    expectHighlightsGrounded(result, marks);
    expect(new Set(marks.map((m) => m.type))).toEqual(new Set(["place", "person"]));
    expect(await page.locator(".text").evaluate((element) => element.matches(":dir(rtl)"))).toBe(true);
    // ALTO has word boxes but no image: they are drawn where ALTO puts them, on a blank page.
    await expect(page.locator("figcaption").textContent()).resolves.toContain("no page image");
    await expectBoxesWhereTheApiSays(page, result, 1);
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 120_000);

  it("shows a scanned page with the mention boxes drawn where OCR found the words", async () => {
    // The stand-in model names the first long capitalised words of whatever OCR read.
    const { address, page } = await serve((prompt) => {
      const words = [...new Set((documentOfPrompt(prompt) ?? "").match(/\p{Lu}\p{Ll}{6,}/gu) ?? [])];
      return JSON.stringify({
        entities: words.slice(0, 6).map((text, i) => ({ type: i % 2 ? "place" : "person", text })),
      });
    });
    const imageLoaded = page.waitForResponse((r) => /\/pages\/1\/image/.test(r.url()) && r.status() === 200);
    const { result, marks } = await uploadAndOpen(
      page,
      address,
      { name: "kant-1784.png", mimeType: "image/png", buffer: await readFile(KANT_IMAGE) },
      "de",
    );
    expectHighlightsGrounded(result, marks);
    const image = await imageLoaded;
    const served = await sharp(await image.body()).metadata();
    const { width = 0, height = 0 } = result.document.pages[0] ?? {};
    expect((served.width ?? 0) / (served.height ?? 1)).toBeCloseTo(width / height, 2);
    await page
      .locator(".sheet img")
      .evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
    await expectBoxesWhereTheApiSays(page, result, 1);

    // Focusing a mention in the text marks its box; a click on a box focuses its mention.
    await page.keyboard.press("n");
    expect(await page.locator(".box.current").getAttribute("data-id")).toBe(marks[0]?.id);
    await page.locator(`.box[data-id="${marks[1]?.id}"]`).click();
    expect(await focusedId(page)).toBe(marks[1]?.id);
    await expect(page.locator(".pager, [role=status]").allTextContents()).resolves.toEqual(
      expect.arrayContaining([expect.stringContaining("read by OCR")]),
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "screenshot-scan.png") });
  }, 180_000);

  it("fetches a long document's pages one at a time and carries the mention keys across pages", async () => {
    const pdf = await buildPdf([
      ["Acte de Joséphine Bérard, née à Nîmes."],
      ["Page sans nom propre, rien que du texte."],
      ["Jean-Baptiste Bérard signe à Genève."],
    ]);
    const { address, page } = await serve(
      lexiconModel([
        { type: "person", text: "Joséphine Bérard" },
        { type: "place", text: "Nîmes" },
        { type: "person", text: "Jean-Baptiste Bérard" },
        { type: "place", text: "Genève" },
      ]),
    );
    const fetched: string[] = [];
    page.on("request", (request) => {
      const path = new URL(request.url()).pathname + new URL(request.url()).search;
      if (path.startsWith("/v1/documents/")) fetched.push(path);
    });
    const { result, marks } = await uploadAndOpen(
      page,
      address,
      { name: "registre.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf) },
      "fr",
    );
    expect(result.document.pages).toHaveLength(3);
    expectHighlightsGrounded(result, marks);
    expect(marks.map((m) => m.text)).toEqual(["Joséphine Bérard", "Nîmes"]);
    // The text came page by page: the whole result was asked for without it, then page 1 alone.
    expect(fetched.filter((p) => /\/entities\?/.test(p)).every((p) => p.includes("text=false"))).toBe(true);
    expect(fetched.filter((p) => /\/pages\/\d+\?/.test(p)).map((p) => /\/pages\/(\d+)/.exec(p)?.[1])).toEqual(
      ["1"],
    );

    // n at the last mention of page 1 goes on to the next page that has one (page 3, page 2 has none).
    await page.keyboard.press("n");
    await page.keyboard.press("n");
    await page.keyboard.press("n");
    await page.locator("mark.mention", { hasText: "Jean-Baptiste Bérard" }).waitFor();
    expect(await focusedId(page)).toBe(result.entities.find((m) => m.text === "Jean-Baptiste Bérard")?.id);
    expect(await page.getByLabel("Page", { exact: true }).inputValue()).toBe("3");
    expectHighlightsGrounded(result, await highlights(page));
    expect(fetched.some((p) => p.includes("/pages/2?"))).toBe(false);

    // [ goes back one page; the page field goes anywhere.
    await page.keyboard.press("[");
    await expect.poll(() => page.locator(".text").textContent()).toContain("Page sans nom propre");
    await page.getByLabel("Page", { exact: true }).fill("1");
    await page.getByLabel("Page", { exact: true }).press("Enter");
    await page.locator("mark.mention", { hasText: "Nîmes" }).waitFor();
    // A PDF page has an image even when its text came from the text layer.
    await expect(page.locator(".sheet img").getAttribute("src")).resolves.toMatch(/\/pages\/1\/image/);

    // An address naming a mention opens its page with the mention focused.
    const genève = result.entities.find((m) => m.text === "Genève");
    const { documentId } = await readDocument(page, address);
    await page.goto(`${address}/#/documents/${documentId}?mention=${genève?.id}`);
    await page.locator("mark.mention", { hasText: "Genève" }).waitFor();
    await expect.poll(() => focusedId(page)).toBe(genève?.id);
  }, 120_000);
});
