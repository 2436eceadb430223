/**
 * The document view in a real browser against the real app and the TGI test server: documents go in
 * through the page, and the highlights, boxes, pages and exports are checked against the API.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { accessibilityViolations, browserSessions, hasChromium } from "../support/browser.js";
import { type LexiconEntry, lexiconModel } from "../support/harness.js";
import { buildPdf } from "../support/pdf-fixtures.js";
import {
  expectHighlightsGrounded,
  expectOutlinesOnBoxes,
  focusedId,
  highlights,
  readDocument,
  uploadAndOpen,
  viewerSettled,
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

describe.skipIf(!hasChromium)("the document view in chromium", () => {
  const sessions = browserSessions();
  const serve = (respond: (prompt: string) => string) => sessions.serve({ respond });

  it("highlights every mention where the offsets say, nests a place inside an organisation, moves by key and exports in every format", async () => {
    const { address, page } = await serve(
      lexiconModel(LEXICON, [{ type: "person", text: "Napoléon Bonaparte" }]),
    );
    await page.setViewportSize({ width: 1920, height: 1080 });
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
    await expect.poll(() => focusedId(page)).toBe(marks[0]?.id);
    await page.keyboard.press("n");
    await page.keyboard.press("n");
    await expect.poll(() => focusedId(page)).toBe(marks[2]?.id);
    await page.keyboard.press("p");
    await expect.poll(() => focusedId(page)).toBe(marks[1]?.id);
    await expect(page.locator(".reading [role=status]").textContent()).resolves.toBe(
      "Mention 2 of 7 on this page: place, exact match: Nîmes",
    );
    // The address names the mention: it can be copied and opened again.
    expect(page.url()).toContain(`mention=${marks[1]?.id}`);

    // With places filtered out, the next key skips them, the nested one included.
    await page.getByRole("checkbox", { name: /^place/ }).uncheck();
    await page.keyboard.press("n");
    await expect.poll(() => focusedId(page)).toBe(marks[2]?.id);
    await page.keyboard.press("n");
    await expect.poll(() => focusedId(page)).toBe(marks[3]?.id);
    await page.keyboard.press("n");
    await expect.poll(() => focusedId(page)).toBe(marks[5]?.id);
    await page.getByRole("checkbox", { name: /^place/ }).check();
    await page.keyboard.press("n");
    await expect.poll(() => focusedId(page)).toBe(marks[6]?.id);

    // A mention's link in the entity list leads to its place in the text.
    await page.getByRole("link", { name: /^Jean-Baptiste Bérard \(page 1, line 1/ }).click();
    await expect.poll(() => focusedId(page)).toBe(marks[2]?.id);

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
    // ALTO has word boxes but no image: they are outlined where ALTO puts them, on a blank page.
    await expect(page.locator("figcaption").textContent()).resolves.toContain("no page image");
    const size = {
      width: result.document.pages[0]?.width ?? 0,
      height: result.document.pages[0]?.height ?? 0,
    };
    const boxed = result.entities.filter((m) => m.bbox);
    expect(boxed.length).toBeGreaterThan(0);
    await viewerSettled(page, boxed[0]?.id ?? "");
    for (const mention of boxed) await expectOutlinesOnBoxes(page, mention, size);
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 120_000);

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
    await expect
      .poll(() => focusedId(page))
      .toBe(result.entities.find((m) => m.text === "Jean-Baptiste Bérard")?.id);
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
    await expect
      .poll(() => page.locator(".viewer .openseadragon-canvas img").first().getAttribute("src"))
      .toMatch(
        new RegExp(`/(v1/documents/${result.document.id}/pages/1/image|iiif/${result.document.id}/1/)`),
      );

    // An address naming a mention opens its page with the mention focused.
    const genève = result.entities.find((m) => m.text === "Genève");
    const { documentId } = await readDocument(page, address);
    await page.goto(`${address}/#/documents/${documentId}?mention=${genève?.id}`);
    await page.locator("mark.mention", { hasText: "Genève" }).waitFor();
    await expect.poll(() => focusedId(page)).toBe(genève?.id);
  }, 120_000);
});
