/**
 * The review page in the reader's language: a browser set to French gets the page in French (its
 * words, dates and the API's known error codes), the switch changes it to German and keeps the choice.
 */
import { describe, expect, it } from "vitest";
import { accessibilityViolations, browserSessions, hasChromium } from "../support/browser.js";
import { lexiconModel } from "../support/harness.js";
import { focusedId } from "../support/review-page.js";

describe.skipIf(!hasChromium)("the review page in a French browser", () => {
  const sessions = browserSessions({ locale: "fr-FR" });

  it("speaks French from navigator.languages, formats dates the French way, and switches to German for good", async () => {
    const { address, page } = await sessions.serve({
      respond: lexiconModel([
        { type: "person", text: "Joséphine Bérard" },
        { type: "place", text: "Nîmes" },
      ]),
    });
    await page.goto(`${address}/`);
    const languages = () =>
      (globalThis as unknown as { navigator: { languages: string[] } }).navigator.languages;
    expect(await page.evaluate(languages)).toEqual(["fr-FR"]);
    await page.getByRole("heading", { name: "Relire les extractions" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");

    await page.getByLabel(/^Document \(/).setInputFiles({
      name: "lettre.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Joséphine Bérard écrit de Nîmes.", "utf8"),
    });
    await page.getByLabel("Langue", { exact: true }).fill("fr");
    await page.getByRole("button", { name: "Déposer" }).click();
    const row = page.locator("table.jobs tbody tr", { hasText: "lettre.txt" });
    await row.getByRole("link", { name: "Ouvrir lettre.txt" }).waitFor();
    await expect.poll(() => row.locator(".state").textContent()).toBe("terminé");
    // Dates as French writes them: "5 déc. 2026, 04:10".
    await expect(row.locator("time").textContent()).resolves.toMatch(/^\d{1,2} \p{L}+\.? \d{4}/u);
    expect(await accessibilityViolations(page)).toEqual([]);

    await row.getByRole("link", { name: "Ouvrir lettre.txt" }).click();
    await page.locator("mark.mention").first().waitFor();
    await page.getByRole("heading", { name: "Entités (2)" }).waitFor();
    await expect(page.locator("#keys").textContent()).resolves.toMatch(/^Touches : n ou j/);
    await page.keyboard.press("n");
    await expect(page.locator(".reading [role=status]").textContent()).resolves.toBe(
      "Mention 1 sur 2 de cette page : personne, correspondance exacte : Joséphine Bérard",
    );
    await page.keyboard.press("a");
    await expect
      .poll(() => page.locator(".review-panel [role=status]").textContent())
      .toBe("« Joséphine Bérard » est acceptée.");
    await expect(page.locator(".review-progress").textContent()).resolves.toBe(
      "Relecture en cours : 1 confirmée · 0 corrigée · 0 ajoutée · 0 rejetée · 1 à relire",
    );
    expect(await accessibilityViolations(page)).toEqual([]);

    // The API answers in English with a stable code: the page says a known code in French.
    await page.goto(`${address}/#/documents/${"0".repeat(64)}`);
    await expect
      .poll(() => page.locator("main [role=alert]").textContent())
      .toMatch(/^Introuvable\. \(.+\)$/);

    // The switch: German now, and still German after a reload, whatever the browser says.
    await page.goto(`${address}/`);
    await page.getByLabel("Afficher en").selectOption("de");
    await page.getByRole("heading", { name: "Extraktionen durchsehen" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Extraktionen durchsehen" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    await page.locator("table.documents").getByRole("link", { name: "lettre.txt öffnen" }).click();
    await page.getByRole("heading", { name: "Durchsicht" }).waitFor();
    // The page's text (fetched after the view is drawn) is there to move through.
    await page.locator("[data-id]").first().waitFor();
    await page.keyboard.press("n");
    await expect.poll(() => focusedId(page)).toBeTruthy();
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 120_000);
});
