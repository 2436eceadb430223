/**
 * The review page and the Swagger UI at /docs work under the service's Content-Security-Policy (no
 * inline script, nothing from elsewhere): chromium reports every violation to the page, and none may
 * occur while they render a document, its highlights and the API's description.
 */
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserSessions, hasChromium } from "../support/browser.js";
import { lexiconModel } from "../support/harness.js";
import { KANT_IMAGE } from "../support/ocr.js";
import { uploadAndOpen } from "../support/review-page.js";

/** Every CSP violation the page reports, from the first script on. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    // Runs in the page before its own scripts.
    const scope = globalThis as unknown as {
      violations: string[];
      addEventListener(
        type: string,
        listener: (event: { violatedDirective: string; blockedURI: string }) => void,
      ): void;
    };
    scope.violations = [];
    scope.addEventListener("securitypolicyviolation", (event) =>
      scope.violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  return () => page.evaluate(() => (globalThis as unknown as { violations: string[] }).violations);
}

describe.skipIf(!hasChromium)("pages under the Content-Security-Policy", () => {
  const sessions = browserSessions();

  it("the review page shows a document and its highlights without a violation", async () => {
    const { address, page } = await sessions.serve({
      respond: lexiconModel([{ type: "place", text: "Nîmes" }]),
    });
    const violations = await recordViolations(page);
    const { marks } = await uploadAndOpen(page, address, {
      name: "lettre.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Joséphine Bérard écrit de Nîmes."),
    });
    expect(marks.map((mark) => mark.text)).toEqual(["Nîmes"]);
    expect(await violations()).toEqual([]);
  });

  it("the review page shows a scan in its zoomable viewer, outlines and tiles included, without a violation", async () => {
    const { address, page } = await sessions.serve({
      respond: lexiconModel([{ type: "place", text: "Aufklärung" }]),
    });
    const violations = await recordViolations(page);
    await uploadAndOpen(
      page,
      address,
      { name: "kant-1784.png", mimeType: "image/png", buffer: await readFile(KANT_IMAGE) },
      "de",
    );
    await page.locator(".viewer .openseadragon-canvas img").first().waitFor();
    await page.locator(".viewer .outline").first().waitFor();
    expect(await violations()).toEqual([]);
  }, 120_000);

  it("the Swagger UI at /docs renders the API without a violation", async () => {
    const { address, page } = await sessions.serve({});
    const violations = await recordViolations(page);
    await page.goto(`${address}/docs`);
    await page.locator(".swagger-ui .info .title", { hasText: "Palimpsest" }).waitFor();
    await page.locator(".opblock-summary-path", { hasText: "/v1/extract" }).first().waitFor();
    expect(await violations()).toEqual([]);
  });
});
