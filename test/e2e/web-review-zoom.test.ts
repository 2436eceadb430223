/**
 * Deep zoom on a scan in a real browser: the Kant page (1784, Fraktur) read by OCR, its mentions
 * outlined on the page image line by line, focusing a mention zooms to it, and the outlines stay on
 * their words (checked against the tiles the viewer drew, to a pixel or two at the zoom reached).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { documentOfPrompt } from "../../src/pipeline/extract/prompt.js";
import { accessibilityViolations, browserSessions, hasChromium } from "../support/browser.js";
import { KANT_IMAGE } from "../support/ocr.js";
import {
  expectHighlightsGrounded,
  expectOutlinesOnBoxes,
  focusedId,
  outlinesOf,
  uploadAndOpen,
  viewerSettled,
} from "../support/review-page.js";

const SCREENSHOTS = join(import.meta.dirname, "../../docs");
/** The essay's title, printed over two lines of the page. */
const TITLE = /Beantwortung der Frage: Was ist Aufkl\S*rung\?/;

/** A stand-in model: the title over two lines as a work, and the first long capitalised words of what OCR read. */
function kantModel(prompt: string): string {
  const document = documentOfPrompt(prompt) ?? "";
  const title = TITLE.exec(document)?.[0];
  const words = [...new Set(document.match(/\p{Lu}\p{Ll}{6,}/gu) ?? [])].filter((w) => !title?.includes(w));
  return JSON.stringify({
    entities: [
      ...(title ? [{ type: "work", text: title }] : []),
      ...words.slice(0, 5).map((text, i) => ({ type: i % 2 ? "place" : "person", text })),
    ],
  });
}

describe.skipIf(!hasChromium)("deep zoom on a scanned page in chromium", () => {
  const sessions = browserSessions();

  it("outlines a title over two lines line by line, zooms to a focused mention with its outline on its words, and focuses the mention of a clicked outline", async () => {
    const { address, page } = await sessions.serve({ respond: kantModel });
    await page.setViewportSize({ width: 1920, height: 1080 });
    const { result, marks } = await uploadAndOpen(
      page,
      address,
      { name: "kant-1784.png", mimeType: "image/png", buffer: await readFile(KANT_IMAGE) },
      "de",
    );
    expectHighlightsGrounded(result, marks);
    const size = {
      width: result.document.pages[0]?.width ?? 0,
      height: result.document.pages[0]?.height ?? 0,
    };
    const title = result.entities.find((m) => m.type === "work");
    expect(title?.text, "OCR should read the title, over two lines").toMatch(/^Beantwortung der Frage:\nWas/);
    expect(title?.lineBoxes).toHaveLength(2);
    const viewerBox = await page.locator(".viewer").boundingBox();

    // Focusing the title in the text zooms the page image to it: two outlines, each on its line.
    await page.locator(`mark[data-id="${title?.id}"]`).click();
    await viewerSettled(page, title?.id ?? "");
    await expectOutlinesOnBoxes(page, { ...title, id: title?.id ?? "" }, size);
    const zoomed = await outlinesOf(page, title?.id ?? "");
    const across = Math.max(...zoomed.map((b) => b.x + b.width)) - Math.min(...zoomed.map((b) => b.x));
    // Zoomed in: the title takes a good part of the viewer's width (at the whole page it is a few words wide).
    expect(across).toBeGreaterThan((viewerBox?.width ?? 0) * 0.25);
    expect(await page.locator(`.outline.current[data-id="${title?.id}"]`).count()).toBe(2);
    // Zoomed in, the image comes as tiles of the page's IIIF service, regions of the full-size scan.
    const sources = await page
      .locator(".viewer .openseadragon-canvas img")
      .evaluateAll((images) => images.map((image) => image.getAttribute("src") ?? ""));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source).toMatch(/\/iiif\/[0-9a-f]{64}\/1\/\d+,\d+,\d+,\d+\//);

    // The next mention by key: the viewer follows, the outline again on its word.
    await page.keyboard.press("n");
    const next = result.entities.find(
      (m) => m.id === (marks[marks.findIndex((m) => m.id === title?.id) + 1]?.id ?? ""),
    );
    expect(next?.bbox).toBeDefined();
    await expect.poll(() => focusedId(page)).toBe(next?.id);
    await viewerSettled(page, next?.id ?? "");
    await expectOutlinesOnBoxes(page, { ...next, id: next?.id ?? "" }, size);
    // The outlines hide nothing: no fill over the glyphs.
    expect(
      await page
        .locator(`.outline[data-id="${next?.id}"]`)
        .evaluate((e) => e.ownerDocument.defaultView?.getComputedStyle(e).backgroundColor),
    ).toBe("rgba(0, 0, 0, 0)");
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "screenshot-scan.png") });

    // Back to the whole page, a click on another mention's outline focuses it in the text.
    await page.getByRole("button", { name: "Whole page" }).click();
    const other = result.entities.find((m) => m.bbox && m.id !== next?.id && m.id !== title?.id);
    await viewerSettled(page, other?.id ?? "");
    await expectOutlinesOnBoxes(page, { ...other, id: other?.id ?? "" }, size);
    await page.locator(`.outline[data-id="${other?.id}"]`).click();
    await expect.poll(() => focusedId(page)).toBe(other?.id);
  }, 180_000);
});
