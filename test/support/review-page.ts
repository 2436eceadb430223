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
