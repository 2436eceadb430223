/**
 * Corrections in a real browser against the real app: accept, reject, change a type, move a boundary
 * by selecting text, add a mention the model missed, each checked in the API's record, an export and
 * the history of corrections; then two editors on the same version of the record, the second refused.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import type { ReviewRecord } from "../../src/schemas/review.js";
import { accessibilityViolations, browserSessions, hasChromium, launchBrowser } from "../support/browser.js";
import { codePointSlice, lexiconModel } from "../support/harness.js";
import { focusedId, uploadAndOpen } from "../support/review-page.js";

// Characters outside the BMP (𝔄, 𓂀) come before the mentions: a selection counted in UTF-16 would be off.
const LETTER = [
  "𝔄𝔫𝔫𝔬 1792. Joséphine Bérard écrit de Nîmes à 𓂀 Jean-Baptiste Bérard,",
  "membre de la Société des Amis de Genève.",
].join("\n");
/** The model's mistakes: Nîmes as a person, half a name, a place to reject; it misses the year. */
const MODEL = lexiconModel([
  { type: "person", text: "Joséphine Bérard" },
  { type: "person", text: "Nîmes" },
  { type: "person", text: "Baptiste Bérard" },
  { type: "organization", text: "Société des Amis" },
  { type: "place", text: "Genève" },
]);

/** Selects `text` in the page's text, across highlights, as a reader dragging over it would. */
async function selectText(page: Page, text: string): Promise<void> {
  await page.locator(".text").evaluate((body, wanted) => {
    // In the page: the text nodes in order, each with where it starts in the text as shown.
    const doc = body.ownerDocument;
    const nodes: { node: typeof body.firstChild; at: number }[] = [];
    let all = "";
    const walker = doc.createTreeWalker(body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      nodes.push({ node, at: all.length });
      all += node.textContent ?? "";
    }
    const start = all.indexOf(wanted);
    const place = (offset: number) => {
      const found = nodes.findLast((n) => n.at <= offset) ?? nodes[0];
      return [found?.node ?? body, offset - (found?.at ?? 0)] as const;
    };
    const range = doc.createRange();
    range.setStart(...place(start));
    range.setEnd(...place(start + wanted.length));
    doc.getSelection()?.removeAllRanges();
    doc.getSelection()?.addRange(range);
  }, text);
}

const SCREENSHOTS = join(import.meta.dirname, "../../docs");

const mentionByText = (record: ReviewRecord, text: string) => record.mentions.filter((m) => m.text === text);

describe.skipIf(!hasChromium)("corrections in the review page in chromium", () => {
  const sessions = browserSessions();

  it("accepts, rejects, retypes, moves a boundary and adds a missed mention; the record, an export and the history say so", async () => {
    const { address, page } = await sessions.serve({ respond: MODEL });
    await page.setViewportSize({ width: 1920, height: 1080 });
    const { documentId } = await uploadAndOpen(
      page,
      address,
      { name: "lettre.txt", mimeType: "text/plain", buffer: Buffer.from(LETTER, "utf8") },
      "fr",
    );
    const recordUrl = `${address}/v1/documents/${documentId}/record`;
    const record = async () => (await (await fetch(recordUrl)).json()) as ReviewRecord;
    const first = await record();
    expect(first.revision).toBe(0);
    await page.getByLabel("Your name").fill("Marie Curie");

    // Accept the first mention with the a key (the keys act once the name field is left).
    await page.locator("h1").click();
    await page.keyboard.press("n");
    const josephine = mentionByText(first, "Joséphine Bérard")[0];
    await expect.poll(() => focusedId(page)).toBe(josephine?.id);
    await page.keyboard.press("a");
    await expect.poll(async () => (await record()).revision).toBe(1);

    // Nîmes is a place, not a person.
    const nimes = mentionByText(first, "Nîmes")[0];
    await page.locator(`mark[data-id="${nimes?.id}"]`).click();
    await page.getByLabel("Type", { exact: true }).selectOption("place");
    await page.getByRole("button", { name: "Change the type" }).click();
    await expect.poll(async () => (await record()).revision).toBe(2);

    // The model cut the name: its boundaries are set to the selected words.
    const baptiste = mentionByText(first, "Baptiste Bérard")[0];
    await page.locator(`mark[data-id="${baptiste?.id}"]`).click();
    await selectText(page, "Jean-Baptiste Bérard");
    await page.getByRole("button", { name: "Set to the selected text" }).click();
    await expect.poll(async () => (await record()).revision).toBe(3);
    await page.locator(`mark[data-id="${baptiste?.id}"]`, { hasText: "Jean-Baptiste Bérard" }).waitFor();

    // The year the model missed, added from a selection after characters outside the BMP.
    await selectText(page, "1792");
    await expect(page.locator(".selection-bar .selected").textContent()).resolves.toBe("Selected: “1792”");
    await page.locator("#new-mention-type").selectOption("date");
    await page.getByRole("button", { name: "Add as a mention" }).click();
    await expect.poll(async () => (await record()).revision).toBe(4);

    // Genève is rejected with the r key: struck out in the text, kept in the record.
    const geneve = mentionByText(first, "Genève")[0];
    await page.locator(`mark[data-id="${geneve?.id}"]`).click();
    await page.keyboard.press("r");
    await expect.poll(async () => (await record()).revision).toBe(5);
    await expect
      .poll(() => page.locator(`mark[data-id="${geneve?.id}"]`).getAttribute("class"))
      .toContain("review-rejected");

    const after = await record();
    const full = (await (await fetch(`${recordUrl}?text=true`)).json()) as ReviewRecord;
    const find = (id?: string) => after.mentions.find((m) => m.id === id);
    expect(find(josephine?.id)).toMatchObject({ review: "confirmed", reviewedBy: "Marie Curie" });
    expect(find(nimes?.id)).toMatchObject({
      type: "place",
      review: "corrected",
      original: { type: "person" },
    });
    expect(find(baptiste?.id)).toMatchObject({ text: "Jean-Baptiste Bérard", review: "corrected" });
    const year = after.mentions.find((m) => m.review === "added");
    expect(year).toMatchObject({ type: "date", text: "1792", start: 5, end: 9 });
    expect(codePointSlice(full.text ?? "", year?.start ?? 0, year?.end ?? 0)).toBe("1792");
    expect(find(geneve?.id)?.review).toBe("rejected");
    expect(after.progress).toMatchObject({
      confirmed: 1,
      corrected: 2,
      added: 1,
      rejected: 1,
      unreviewed: 1,
    });
    await expect
      .poll(() => page.locator(".review-progress").textContent())
      .toBe("Review in progress: 1 confirmed · 2 corrected · 1 added · 1 rejected · 1 unreviewed");

    // The export is the record: the rejected place left out, the year in, the name whole.
    const exported = (await (
      await fetch(`${address}/v1/documents/${documentId}/entities`)
    ).json()) as Extraction;
    expect(exported.entities.map((m) => m.text)).toEqual(
      expect.arrayContaining(["1792", "Jean-Baptiste Bérard", "Nîmes"]),
    );
    expect(exported.entities.some((m) => m.text === "Genève")).toBe(false);
    expect(exported.entities.find((m) => m.text === "1792")?.review).toBe("added");

    // The history, newest first, each revision with its editor.
    await page.getByText("History of corrections").click();
    const history = page.locator(".history-view > ol > li");
    await expect.poll(() => history.count()).toBe(5);
    const entries = await history.allTextContents();
    expect(entries[0]).toMatch(/^Rejected by Marie Curie/);
    expect(entries[1]).toMatch(/^Added by Marie Curie.*“1792” added as date/s);
    expect(entries[2]).toContain("“Baptiste Bérard” → “Jean-Baptiste Bérard”");
    expect(entries[3]).toContain("person → place");
    expect(entries[4]).toMatch(/^Accepted by Marie Curie/);

    // The model's original stays reachable: in the panel, and whole as a download.
    await page.locator(`mark[data-id="${nimes?.id}"]`).click();
    await page.getByText("What the model gave").click();
    await expect(page.locator(".original dd").first().textContent()).resolves.toBe("person");
    const original = await page
      .getByRole("link", { name: "The model's original result" })
      .getAttribute("href");
    const model = (await (await fetch(new URL(original ?? "", address))).json()) as Extraction;
    expect(model.entities.find((m) => m.id === nimes?.id)?.type).toBe("person");
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "screenshot-review.png") });

    // Two persons are one: merged; then the other way, the mention made an entity of its own.
    await page.locator(`mark[data-id="${baptiste?.id}"]`).click();
    await page.getByLabel("Same entity as").selectOption({ label: "Joséphine Bérard" });
    await page.getByRole("button", { name: "Merge" }).click();
    await expect.poll(async () => (await record()).revision).toBe(6);
    const merged = await record();
    const entityOf = (r: ReviewRecord, id?: string) => r.mentions.find((m) => m.id === id)?.entity;
    expect(entityOf(merged, baptiste?.id)).toBe(entityOf(merged, josephine?.id));
    await page.getByRole("button", { name: "Make this mention an entity of its own" }).click();
    await expect.poll(async () => (await record()).revision).toBe(7);
    const split = await record();
    expect(entityOf(split, baptiste?.id)).not.toBe(entityOf(split, josephine?.id));

    // The documents list finds the document by its review state.
    await page.goto(`${address}/#/`);
    const listed = page.locator("table.documents tbody tr");
    await listed.first().waitFor();
    await page.getByLabel("Review", { exact: true }).selectOption("reviewed");
    await expect
      .poll(() =>
        page.locator("section", { hasText: "Documents" }).locator("[role=status]").last().textContent(),
      )
      .toBe("No document is in that review state.");
    await page.getByLabel("Review", { exact: true }).selectOption("in-progress");
    await expect.poll(() => listed.locator("td").first().textContent()).toBe("lettre.txt");
    await expect(listed.locator(".review-cell").textContent()).resolves.toMatch(/^Review in progress/);
  }, 120_000);

  it("refuses the second of two editors working on the same version, says who changed it, and reloads", async () => {
    const { address, page } = await sessions.serve({ respond: MODEL });
    const { documentId } = await uploadAndOpen(
      page,
      address,
      { name: "lettre.txt", mimeType: "text/plain", buffer: Buffer.from(LETTER, "utf8") },
      "fr",
    );
    await page.getByLabel("Your name").fill("Marie");
    const recordUrl = `${address}/v1/documents/${documentId}/record`;
    const { mentions } = (await (await fetch(recordUrl)).json()) as ReviewRecord;
    const [josephine, nimes] = mentions;

    // Another reviewer, in another browser, opens the same version of the record.
    const second = await launchBrowser();
    try {
      const other = await second.context.newPage();
      await other.goto(page.url());
      await other.locator("mark.mention").first().waitFor();
      await other.getByLabel("Your name").fill("Paul");

      await page.locator(`mark[data-id="${nimes?.id}"]`).click();
      await page.keyboard.press("r");
      await expect
        .poll(async () => ((await (await fetch(recordUrl)).json()) as ReviewRecord).revision)
        .toBe(1);

      // Paul's change is made on the version before Marie's: refused, and the page says by whom.
      await other.locator(`mark[data-id="${josephine?.id}"]`).click();
      await other.keyboard.press("a");
      const notice = other.locator(".conflict");
      await expect.poll(() => notice.isVisible()).toBe(true);
      await expect
        .poll(() => notice.textContent())
        .toMatch(/Someone else changed this document.*Rejected by Marie/s);
      const unchanged = (await (await fetch(recordUrl)).json()) as ReviewRecord;
      expect(unchanged.revision).toBe(1);
      expect(unchanged.mentions.find((m) => m.id === josephine?.id)?.review).toBe("unreviewed");
      expect(await accessibilityViolations(other)).toEqual([]);

      // Reloaded, Paul sees Marie's change and can make his.
      await other.getByRole("button", { name: "Load the document as it is now" }).click();
      await expect.poll(() => notice.isVisible()).toBe(false);
      await expect
        .poll(() => other.locator(`mark[data-id="${nimes?.id}"]`).getAttribute("class"))
        .toContain("review-rejected");
      await other.locator(`mark[data-id="${josephine?.id}"]`).click();
      await other.keyboard.press("a");
      await expect
        .poll(async () => ((await (await fetch(recordUrl)).json()) as ReviewRecord).mentions[0]?.reviewedBy)
        .toBe("Paul");
      await other.close();
    } finally {
      await second.close();
    }
  }, 120_000);
});
