/**
 * Debian's chromium driven by playwright-core (`npx playwright install` cannot download a browser
 * here), and the front end built for the app to serve.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, afterEach, beforeAll } from "vitest";
import { packageRoot } from "../../src/package-info.js";
import { type Harness, startHarness } from "./harness.js";
import type { TgiTestServerOptions } from "./tgi-server.js";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`Browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium).`);

/**
 * Builds web/ into dist/web, where the app looks for it when it starts. The directory is not emptied
 * first, so another test's app starting meanwhile never sees it half gone.
 */
export async function buildFrontEnd(): Promise<void> {
  const root = packageRoot();
  await build({
    configFile: join(root, "vite.config.ts"),
    logLevel: "warn",
    build: { emptyOutDir: false },
  });
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** `locale` is the browser's language (navigator.language and languages, Accept-Language). */
export async function launchBrowser(options: { locale?: string } = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "palimpsest-chromium-"));
  // The flags keep chromium off the network (closed here) apart from the pages it is sent to.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ...(options.locale ? { locale: options.locale } : {}),
    viewport: { width: 1280, height: 860 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface AccessibilityViolation {
  rule: string;
  help: string;
  elements: string[];
}

/**
 * The page checked by axe-core (Deque's accessibility engine) against WCAG 2.1 A and AA: colour
 * contrast, labels, names, roles, landmarks. Answers what fails, so a test shows it.
 */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  // Evaluated rather than added as a <script>: the page's CSP refuses inline scripts, as it should.
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"));
  return page.evaluate(async () => {
    // Run in the page, where axe-core's script has set the global `axe`.
    const { axe } = globalThis as unknown as { axe: typeof import("axe-core") };
    const { violations } = await axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return violations.map((v) => ({
      rule: v.id,
      help: v.help,
      elements: v.nodes.map((n) => n.target.join(" ")),
    }));
  });
}

/**
 * For a describe block of browser tests: builds the front end and starts chromium once, and gives each
 * test the real app against a TGI test server with a fresh page. The page is closed before the app
 * (its open connections would hold the server), the app after each test, chromium after the block.
 */
export function browserSessions(options: { locale?: string } = {}): {
  serve(server: TgiTestServerOptions): Promise<{ address: string; page: Page; harness: Harness }>;
} {
  let browser: Browser | undefined;
  let harness: Harness | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    await buildFrontEnd();
    browser = await launchBrowser(options);
  }, 120_000);
  afterEach(async () => {
    await page?.close();
    page = undefined;
    await harness?.close();
    harness = undefined;
  });
  afterAll(async () => browser?.close());
  return {
    async serve(server) {
      harness = await startHarness({ server });
      const address = await harness.app.listen({ port: 0, host: "127.0.0.1" });
      page = await (browser as Browser).context.newPage();
      return { address, page, harness };
    },
  };
}
