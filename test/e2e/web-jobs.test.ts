/**
 * The upload form, the jobs table and the job page in a real browser against the real app and the
 * TGI test server: drag and drop, every job listed with live progress, Cancel, and a batch's documents.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { buildZip } from "../support/archives.js";
import { accessibilityViolations, browserSessions, hasChromium } from "../support/browser.js";
import { lexiconModel } from "../support/harness.js";
import { expectHighlightsGrounded, readDocument } from "../support/review-page.js";

const MODEL = lexiconModel([
  { type: "person", text: "Joséphine Bérard" },
  { type: "place", text: "Nîmes" },
]);

const row = (page: Page, name: string) => page.locator("table.jobs tbody tr", { hasText: name });

describe.skipIf(!hasChromium)("jobs and batches in chromium", () => {
  const sessions = browserSessions();
  const serve = (options: { latencyMs?: number } = {}) => sessions.serve({ respond: MODEL, ...options });

  it("takes a dropped file, lists its job with the others and opens the document when it is done", async () => {
    const { address, page, harness } = await serve();
    // A job made through the API, before the page is opened, is listed too.
    const earlier = new FormData();
    earlier.append("file", new Blob(["Joséphine Bérard à Nîmes."]), "earlier.txt");
    const queued = await fetch(`${address}/v1/documents`, { method: "POST", body: earlier });
    expect(queued.status).toBe(202);
    // Over before the page opens: the page announces the end of the one it uploads, not of this one.
    await harness.services.jobs.whenSettled(((await queued.json()) as { id: string }).id);

    await page.goto(`${address}/`);
    const dropped = await page.evaluateHandle(() => {
      // Runs in the page: a drag-and-drop carries a DataTransfer holding the File.
      const { DataTransfer, File } = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: string[], name: string, options: { type: string }) => unknown;
      };
      const transfer = new DataTransfer();
      transfer.items.add(
        new File(["Joséphine Bérard écrit de Nîmes."], "dropped.txt", { type: "text/plain" }),
      );
      return transfer;
    });
    await page.locator(".drop").dispatchEvent("drop", { dataTransfer: dropped });
    await expect(page.locator("form.upload [role=status]").textContent()).resolves.toBe(
      "dropped.txt is ready: press Upload.",
    );
    await page.getByRole("button", { name: "Upload" }).click();

    const jobs = page.locator("table.jobs");
    await jobs.getByRole("link", { name: "Open dropped.txt" }).waitFor();
    // Announced where a screen reader hears it, without watching the table.
    await expect
      .poll(() => page.locator("form.upload [role=status]").textContent())
      .toBe("dropped.txt: done. Open it from the table.");
    await expect(row(page, "dropped.txt").locator(".state").textContent()).resolves.toMatch(/^done/);
    await expect(row(page, "earlier.txt").locator(".state").textContent()).resolves.toMatch(/^done/);
    // Newest first.
    const names = await page.locator("table.jobs tbody tr td:first-child").allTextContents();
    expect(names.indexOf("dropped.txt")).toBeLessThan(names.indexOf("earlier.txt"));
    expect(await accessibilityViolations(page)).toEqual([]);

    // The stored documents are listed too, with their counts, and found by name.
    const listed = page.locator("table.documents tbody tr", { hasText: "dropped.txt" });
    await expect
      .poll(() => listed.locator("td").allTextContents())
      .toEqual(expect.arrayContaining(["dropped.txt", "text/plain", "1", "2", "0", "default"]));
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({
      path: join(import.meta.dirname, "../../docs/screenshot-jobs.png"),
      fullPage: true,
    });
    await page.getByLabel("Find by name").fill("DROP");
    await expect
      .poll(() => page.locator("table.documents tbody td:first-child").allTextContents())
      .toEqual(["dropped.txt"]);

    await page.locator("table.documents").getByRole("link", { name: "Open dropped.txt" }).click();
    await page.locator("mark.mention").first().waitFor();
    const { result, marks } = await readDocument(page, address);
    expectHighlightsGrounded(result, marks);
    expect(result.document.filename).toBe("dropped.txt");
  }, 120_000);

  it("cancels a running job from the table", async () => {
    const { address, page } = await serve({ latencyMs: 10_000 });
    await page.goto(`${address}/`);
    await page.getByLabel(/^Document \(/).setInputFiles({
      name: "slow.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Joséphine Bérard écrit de Nîmes."),
    });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByRole("button", { name: "Cancel slow.txt" }).click();
    await expect
      .poll(() => row(page, "slow.txt").locator(".state").textContent(), { timeout: 10_000 })
      .toMatch(/^cancelled/);
    await expect(page.getByRole("button", { name: "Cancel slow.txt" }).count()).resolves.toBe(0);
  }, 120_000);

  it("says when documents wait for a model server that is down, and goes on when it is back", async () => {
    const { address, page, harness } = await serve();
    await harness.server.close();
    await page.goto(`${address}/`);
    await page.getByLabel(/^Document \(/).setInputFiles({
      name: "attente.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Joséphine Bérard écrit de Nîmes."),
    });
    await page.getByRole("button", { name: "Upload" }).click();
    await expect
      .poll(() => row(page, "attente.txt").locator(".state").textContent(), { timeout: 20_000 })
      .toContain("waiting for the model server, down since");
    await harness.server.reopen();
    await expect
      .poll(() => row(page, "attente.txt").locator(".state").textContent(), { timeout: 60_000 })
      .toBe("done");
  }, 120_000);

  it("takes an archive as a batch and shows it with its documents, the failed ones and why, and its skipped entries", async () => {
    const { address, page } = await serve();
    const zip = await buildZip([
      { name: "registre/1792.txt", data: "Joséphine Bérard, née à Nîmes." },
      { name: "registre/1793.txt", data: "Baptême à Nîmes." },
      // Not a document format: a document that fails, with the reason.
      {
        name: "registre/programme.exe",
        data: Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0xff, 0xff]),
      },
      // A link is never followed: skipped.
      { name: "registre/lien", data: "1792.txt", mode: 0o120777 },
    ]);
    // Through the same form as a document: an archive becomes a batch.
    await page.goto(`${address}/`);
    await page
      .getByLabel(/^Document \(/)
      .setInputFiles({ name: "registre.zip", mimeType: "application/zip", buffer: zip });
    await page.getByRole("button", { name: "Upload" }).click();
    await expect
      .poll(() => page.locator("form.upload [role=status]").textContent())
      .toMatch(/^registre\.zip is queued as batch |^registre\.zip: done/);
    await page.getByRole("link", { name: "Details of registre.zip" }).click();
    await page.getByRole("link", { name: "Open registre/1792.txt" }).waitFor();
    await page.getByRole("link", { name: "Open registre/1793.txt" }).waitFor();
    await expect(page.locator("section", { hasText: "Skipped entries" }).textContent()).resolves.toContain(
      "registre/lien",
    );
    await expect
      .poll(() => page.locator("p.state").textContent())
      .toBe("done · 3 of 3 documents · 1 failed · 1 skipped");
    // How far the review of the batch's documents is, added up.
    await expect
      .poll(() => page.locator(".review-progress").textContent())
      .toMatch(/^Review: documents: 0 reviewed, 0 in review, 2 not reviewed; mentions: 0 confirmed · /);
    await page.getByLabel("Show documents that are").selectOption("failed");
    await expect
      .poll(() => page.locator("table.documents tbody").textContent())
      .toMatch(/^registre\/programme\.exe\s*failed: .*is not supported/);
    await page.getByLabel("Show documents that are").selectOption("all");
    await page.getByRole("link", { name: "Open registre/1792.txt" }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole("link", { name: "Open registre/1792.txt" }).click();
    await page.locator("mark.mention").first().waitFor();
    const { result, marks } = await readDocument(page, address);
    expectHighlightsGrounded(result, marks);
  }, 120_000);

  it("deletes a document from its view, then a finished batch from the table, after asking", async () => {
    const { address, page, harness } = await serve();
    const form = new FormData();
    form.append("file", new Blob(["Joséphine Bérard à Nîmes."]), "a-effacer.txt");
    const job = (await (await fetch(`${address}/v1/documents`, { method: "POST", body: form })).json()) as {
      id: string;
      document: string;
    };
    await harness.services.jobs.whenSettled(job.id);
    const zip = new FormData();
    zip.append("file", new Blob([await buildZip([{ name: "acte.txt", data: "Nîmes" }])]), "lot.zip");
    const batch = (await (await fetch(`${address}/v1/batches`, { method: "POST", body: zip })).json()) as {
      id: string;
    };
    await harness.services.jobs.whenSettled(batch.id);
    const asked: string[] = [];
    page.on("dialog", (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });

    await page.goto(`${address}/`);
    await page.locator("table.documents").getByRole("link", { name: "Open a-effacer.txt" }).click();
    await page.getByRole("button", { name: "Delete this document" }).click();
    // Back on the start page: the document is gone, and the job of its upload with it.
    await expect
      .poll(() => page.locator("table.documents tbody td:first-child").allTextContents())
      .toEqual(["acte.txt"]);
    await expect.poll(() => row(page, "a-effacer.txt").count()).toBe(0);
    expect(asked).toEqual([
      "Delete a-effacer.txt: its file, and its results for every profile? This cannot be undone.",
    ]);
    expect((await fetch(`${address}/v1/documents/${job.document}/entities`)).status).toBe(404);

    await page.getByRole("button", { name: "Delete the job lot.zip" }).click();
    await expect.poll(() => row(page, "lot.zip").count()).toBe(0);
    expect(asked[1]).toBe("Delete the job lot.zip? Its documents and their results stay (under Documents).");
    expect((await fetch(`${address}/v1/jobs/${batch.id}`)).status).toBe(404);
    // The focus is not lost with the row: it is on the table's heading.
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement
            .id,
      ),
    ).toBe("jobs-title");
    expect(await page.locator("table.documents tbody td:first-child").allTextContents()).toEqual([
      "acte.txt",
    ]);
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 120_000);
});
