/**
 * Swagger UI at /docs can send a document: POST /v1/extract, "Try it out", a file in the form's file
 * field, "Execute", and the answer is a 200 with the grounded entities. Debian's chromium drives the
 * page; skipped, with a warning, without it.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, hasChromium, launchBrowser } from "../support/browser.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

const LETTER = "Joséphine Bérard écrit de Nîmes le 12 mars 1791.";

describe.skipIf(!hasChromium)("Swagger UI at /docs", () => {
  let browser: Browser;
  let harness: Harness;
  let address: string;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    harness = await startHarness({
      server: {
        respond: lexiconModel([
          { type: "person", text: "Joséphine Bérard" },
          { type: "place", text: "Nîmes" },
        ]),
      },
    });
    address = await harness.app.listen({ port: 0, host: "127.0.0.1" });
    page = await browser.context.newPage();
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await harness?.close();
    await browser?.close();
  });

  it("uploads a file to POST /v1/extract with Try it out and shows the entities", async () => {
    await page.goto(`${address}/docs`);
    const operation = page.locator("#operations-extract-extractDocument");
    await operation.locator(".opblock-summary").click();
    await operation.getByRole("button", { name: "Try it out" }).click();
    // The first media type of the request body, multipart, is the one offered: its file field.
    await expect(operation.locator(".body-param-content-type select").inputValue()).resolves.toBe(
      "multipart/form-data",
    );
    await operation.locator('tr[data-property-name="file"] input[type="file"]').setInputFiles({
      name: "lettre.txt",
      mimeType: "text/plain",
      buffer: Buffer.from(LETTER),
    });
    await operation.locator('tr[data-property-name="language"] input[type="text"]').fill("fr");
    await operation.getByRole("button", { name: "Execute" }).click();

    const live = operation.locator(".live-responses-table .response");
    await live.first().waitFor({ timeout: 30_000 });
    expect((await live.locator(".response-col_status").first().textContent())?.trim()).toBe("200");
    const body = JSON.parse(
      (await live.locator(".response-col_description pre").first().textContent()) ?? "",
    ) as {
      document: { filename: string; language: string };
      entities: { type: string; text: string }[];
    };
    expect(body.document).toMatchObject({ filename: "lettre.txt", language: "fr" });
    expect(body.entities.map((mention) => [mention.type, mention.text])).toEqual([
      ["person", "Joséphine Bérard"],
      ["place", "Nîmes"],
    ]);
  }, 90_000);
});
