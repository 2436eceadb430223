/** Driving the review page in the browser tests: upload through the form, read the highlights back. */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { codePointSlice } from "./harness.js";

export interface Mark {
  id: string;
  type: string;
  text: string;
}

export interface UploadedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Uploads through the form, waits for the job in the jobs table and opens the document it made. */
export async function uploadAndOpen(page: Page, address: string, file: UploadedFile, language?: string) {
  await page.goto(`${address}/`);
  await page.getByLabel(/^Document \(/).setInputFiles(file);
  if (language) await page.getByLabel("Language").fill(language);
  await page.getByRole("button", { name: "Upload" }).click();
  await page
    .locator("table.jobs")
    .getByRole("link", { name: `Open ${file.name}` })
    .click();
  await page.locator("mark.mention").first().waitFor();
  return readDocument(page, address);
}

/** The result the page shows (as the API gives it) and the highlights drawn for the page on screen. */
export async function readDocument(page: Page, address: string) {
  const documentId = decodeURIComponent(/#\/documents\/([^?]+)/.exec(page.url())?.[1] ?? "");
  const response = await fetch(`${address}/v1/documents/${encodeURIComponent(documentId)}/entities`);
  const result = (await response.json()) as Extraction;
  return { documentId, result, marks: await highlights(page) };
}

export async function highlights(page: Page): Promise<Mark[]> {
  return page.$$eval("mark.mention", (elements) =>
    elements.map((m) => ({
      id: m.getAttribute("data-id") ?? "",
      type: m.getAttribute("data-type") ?? "",
      text: m.textContent ?? "",
    })),
  );
}

/** Every highlight is a mention of the result and shows exactly the text its code-point offsets name. */
export function expectHighlightsGrounded(result: Extraction, marks: Mark[]): void {
  expect(marks.length).toBeGreaterThan(0);
  for (const mark of marks) {
    const mention = result.entities.find((m) => m.id === mark.id);
    expect(mention?.type).toBe(mark.type);
    expect(mention?.text).toBe(mark.text);
    expect(codePointSlice(result.text, mention?.start ?? 0, mention?.end ?? 0)).toBe(mark.text);
  }
}

export const focusedId = (page: Page) => page.locator(":focus").getAttribute("data-id");

export interface ScreenBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where the page image is on screen, as a function from page pixels to screen pixels, read from a tile
 * the viewer drew: its IIIF region (`/x,y,w,h/` in page pixels, or `full`) or, for a whole page image,
 * the page itself, and the place of its <img>. Independent of the viewer's own arithmetic for outlines.
 */
export async function pageOnScreen(page: Page, size: { width: number; height: number }) {
  const tiles = await page.$$eval(".viewer .openseadragon-canvas img", (images) =>
    images.map((image) => {
      const r = image.getBoundingClientRect();
      return { src: image.getAttribute("src") ?? "", x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  const tile = tiles.find((t) => t.width > 0);
  if (!tile) throw new Error("The viewer has drawn no tile of the page image.");
  const region = /\/iiif\/.+?\/(\d+),(\d+),(\d+),(\d+)\//.exec(tile.src)?.slice(1).map(Number);
  const [rx, ry, rw, rh] = region ?? [0, 0, size.width, size.height];
  const scale = tile.width / (rw ?? 1);
  expect(tile.height / (rh ?? 1)).toBeCloseTo(scale, 2);
  return (box: ScreenBox): ScreenBox => ({
    x: tile.x + (box.x - (rx ?? 0)) * scale,
    y: tile.y + (box.y - (ry ?? 0)) * scale,
    width: box.width * scale,
    height: box.height * scale,
  });
}

/** The outlines drawn for a mention, line by line, on screen. */
export async function outlinesOf(page: Page, id: string): Promise<ScreenBox[]> {
  return page.$$eval(`.viewer .outline[data-id="${id}"]`, (outlines) =>
    outlines.map((outline) => {
      const r = outline.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}

/** Waits until the viewer stops moving (an outline stays put between two looks). */
export async function viewerSettled(page: Page, id: string): Promise<void> {
  let last = "";
  await expect
    .poll(
      async () => {
        const now = JSON.stringify(await outlinesOf(page, id));
        const still = now === last && now !== "[]";
        last = now;
        return still;
      },
      { interval: 250, timeout: 10_000 },
    )
    .toBe(true);
}

/** Each outline of the mention lies on its box (line by line) to within `pixels` on screen. */
export async function expectOutlinesOnBoxes(
  page: Page,
  mention: { id: string; bbox?: ScreenBox; lineBoxes?: ScreenBox[] },
  size: { width: number; height: number },
  pixels = 2,
): Promise<void> {
  const toScreen = await pageOnScreen(page, size);
  const boxes = mention.lineBoxes ?? (mention.bbox ? [mention.bbox] : []);
  const drawn = await outlinesOf(page, mention.id);
  expect(drawn).toHaveLength(boxes.length);
  boxes.forEach((box, line) => {
    const expected = toScreen(box);
    const outline = drawn[line] as ScreenBox;
    for (const side of ["x", "y", "width", "height"] as const)
      expect(Math.abs(outline[side] - expected[side]), `line ${line + 1}, ${side}`).toBeLessThanOrEqual(
        pixels,
      );
  });
}
