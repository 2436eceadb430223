/**
 * The review page against a service that asks for keys, in a real browser: the sign-in form, the
 * HttpOnly session cookie doing the work (uploads, job progress, downloads), the CSRF token the page
 * sends and a forged request lacks, signing out; and the open-mode banner.
 */
import { describe, expect, it } from "vitest";
import { addKey } from "../support/auth.js";
import { accessibilityViolations, browserSessions, hasChromium } from "../support/browser.js";
import { lexiconModel } from "../support/harness.js";

const MODEL = lexiconModel([{ type: "place", text: "Nîmes" }]);

describe.skipIf(!hasChromium)("signing in on the review page", () => {
  const sessions = browserSessions();

  it("asks for a key, then works through its session cookie and CSRF token, and signs out", async () => {
    const { address, page, harness } = await sessions.serve({ respond: MODEL });
    const { key } = await addKey(harness.services.store, "admin", "lyon");
    await page.goto(`${address}/`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.locator("#open-mode").count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel("API key").fill(`${key.slice(0, -2)}zz`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#sign-in [role=status]").textContent()).toMatch(/not valid/);
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Review extractions" }).waitFor();
    await expect(page.locator("#identity").textContent()).resolves.toMatch(/^lyon · admin/);
    // The page holds neither the key nor the session: the cookie is out of its reach.
    expect(
      await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
    ).toBe("");
    const [cookie] = await page.context().cookies(address);
    expect(cookie).toMatchObject({ name: "palimpsest_session", httpOnly: true, sameSite: "Strict" });

    // An upload (POST with the CSRF token), its progress (polling and events) and its document.
    await page.getByLabel(/^Document \(/).setInputFiles({
      name: "lettre.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Lettre écrite de Nîmes."),
    });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.locator("table.jobs").getByRole("link", { name: "Open lettre.txt" }).click();
    await page.locator("mark.mention").first().waitFor();

    // A request the page did not make (no token) is refused even with the cookie.
    const forged = await page.evaluate(async () => {
      const response = await fetch("/v1/documents", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "forged" }),
      });
      return { status: response.status, body: await response.json() };
    });
    expect(forged).toMatchObject({ status: 403, body: { error: { code: "CSRF_REJECTED" } } });

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    const after = await page.evaluate(async () => (await fetch("/v1/jobs")).status);
    expect(after).toBe(401);
  }, 120_000);

  it("says so on every page when the service runs open", async () => {
    const { address, page } = await sessions.serve({ respond: MODEL });
    await page.goto(`${address}/`);
    await page.getByRole("heading", { name: "Review extractions" }).waitFor();
    await expect(page.locator("#open-mode").textContent()).resolves.toMatch(
      /^Open mode: .*asks for no API key/,
    );
    expect(await page.locator("#identity").count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 120_000);
});
