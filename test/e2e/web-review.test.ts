/**
 * The review page in a real browser against the real app and the TGI test server: a document goes
 * in through the page, its job is followed to the end, and the highlights are checked against the
 * API's code-point offsets.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { type Browser, buildFrontEnd, hasChromium, launchBrowser } from "../support/browser.js";
import {
  codePointSlice,
  type Harness,
  type LexiconEntry,
  lexiconModel,
  startHarness,
} from "../support/harness.js";

// Characters outside the BMP (𝔄, 𓂀) come before mentions: UTF-16 offsets would shift every highlight.
const LETTER = [
  "𝔄𝔫𝔫𝔬 1792. Joséphine Bérard écrit de Nîmes à 𓂀 Jean-Baptiste Bérard,",
  "membre de la Société des Amis à Genève.",
  "Joséphine Bérard signe à Nîmes.",
].join("\n");
const LEXICON: LexiconEntry[] = [
  { type: "person", text: "Joséphine Bérard" },
  { type: "place", text: "Nîmes" },
  { type: "person", text: "Jean-Baptiste Bérard" },
  { type: "organization", text: "Société des Amis" },
  { type: "place", text: "Genève" },
];
const HEBREW_ALTO = join(
  import.meta.dirname,
  "../fixtures/formats/alto/kraken-tests_bsb00084914_00007_alto-v4.xml",
);

let harness: Harness | undefined;
let browser: Browser | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(async () => browser?.close());

interface Mark {
  id: string;
  type: string;
  text: string;
}

/** Uploads through the form, follows the job on the page and opens the document it made. */
async function uploadAndOpen(
  page: Page,
  address: string,
  file: { name: string; mimeType: string; buffer: Buffer },
  language?: string,
) {
  await page.goto(`${address}/`);
  await page.getByLabel(/^Document \(/).setInputFiles(file);
  if (language) await page.getByLabel("Language").fill(language);
  await page.getByRole("button", { name: "Upload" }).click();
  await page.getByRole("link", { name: `Open ${file.name}` }).click();
  await page.locator("mark.mention").first().waitFor();
  const documentId = decodeURIComponent(/#\/documents\/([^?]+)/.exec(page.url())?.[1] ?? "");
  const response = await fetch(`${address}/v1/documents/${encodeURIComponent(documentId)}/entities`);
  const result = (await response.json()) as Extraction;
  const marks = await page.$$eval("mark.mention", (elements) =>
    elements.map((m) => ({
      id: m.getAttribute("data-id") ?? "",
      type: m.getAttribute("data-type") ?? "",
      text: m.textContent ?? "",
    })),
  );
  return { result, marks: marks as Mark[] };
}

function expectHighlightsGrounded(result: Extraction, marks: Mark[]) {
  expect(marks.length).toBeGreaterThan(0);
  for (const mark of marks) {
    const mention = result.entities.find((m) => m.id === mark.id);
    expect(mention?.text).toBe(mark.text);
    expect(codePointSlice(result.text, mention?.start ?? 0, mention?.end ?? 0)).toBe(mark.text);
  }
}

const focusedId = (page: Page) => page.locator(":focus").getAttribute("data-id");

describe.skipIf(!hasChromium)("the review page in chromium", () => {
  beforeAll(async () => {
    await buildFrontEnd();
    browser = await launchBrowser();
  }, 120_000);

  it("uploads a letter, follows its job, highlights every mention where the offsets say and moves between them by key", async () => {
    harness = await startHarness({
      server: { respond: lexiconModel(LEXICON, [{ type: "person", text: "Napoléon Bonaparte" }]) },
    });
    const address = await harness.app.listen({ port: 0, host: "127.0.0.1" });
    const page = await (browser as Browser).context.newPage();
    const { result, marks } = await uploadAndOpen(
      page,
      address,
      {
        name: "lettre.txt",
        mimeType: "text/plain",
        buffer: Buffer.from(LETTER, "utf8"),
      },
      "fr",
    );

    expectHighlightsGrounded(result, marks);
    expect(marks.map((m) => m.text)).toEqual([
      "Joséphine Bérard",
      "Nîmes",
      "Jean-Baptiste Bérard",
      "Société des Amis",
      "Genève",
      "Joséphine Bérard",
      "Nîmes",
    ]);
    // The invented mention is not in the text: it is listed with its reason instead.
    await expect(page.locator("section", { hasText: "Rejected (1)" }).textContent()).resolves.toContain(
      "Napoléon Bonaparte",
    );
    // Grouped: the two mentions of Joséphine Bérard are one entity.
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
    await expect(page.getByRole("status").last().textContent()).resolves.toBe(
      "Mention 2 of 7: place, exact match: Nîmes",
    );

    // With places filtered out, the next key skips them.
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

    await page.screenshot({ path: join(import.meta.dirname, "../../docs/screenshot-document.png") });
    await page.close();
  }, 120_000);

  it("shows a Hebrew ALTO page right to left with its highlights on the right words", async () => {
    harness = await startHarness({
      server: {
        respond: lexiconModel([
          { type: "place", text: "הכרמל" },
          { type: "person", text: "יונה" },
        ]),
      },
    });
    const address = await harness.app.listen({ port: 0, host: "127.0.0.1" });
    const page = await (browser as Browser).context.newPage();
    const { result, marks } = await uploadAndOpen(
      page,
      address,
      {
        name: "hebrew-alto.xml",
        mimeType: "application/xml",
        buffer: await readFile(HEBREW_ALTO),
      },
      "he",
    );
    expectHighlightsGrounded(result, marks);
    expect(new Set(marks.map((m) => m.type))).toEqual(new Set(["place", "person"]));
    expect(await page.locator(".text").evaluate((element) => element.matches(":dir(rtl)"))).toBe(true);
    await page.close();
  }, 120_000);
});
