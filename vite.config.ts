/** The review front end: web/ built into dist/web, which src/api/web.ts serves. */
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

/**
 * OpenSeadragon adds a <style> element when a viewer starts (a rule that hides the viewer's focus ring
 * on touch screens), which the page's Content-Security-Policy refuses (no inline style): that insertion
 * is left out of the bundle. The build stops if the library no longer does it the way patched here.
 */
function openSeadragonWithoutInlineStyle(): Plugin {
  const insertion = "document.head.appendChild(style);";
  return {
    name: "openseadragon-without-inline-style",
    transform(code, id) {
      if (!/[\\/]openseadragon[\\/]build[\\/]openseadragon[\\/]openseadragon\.js$/.test(id)) return null;
      if (!code.includes(insertion))
        this.error(
          "OpenSeadragon no longer inserts its <style> as expected: check the CSP (web-csp.test.ts).",
        );
      return { code: code.replace(insertion, ""), map: null };
    },
  };
}

export default defineConfig({
  // Absolute, so a build started from another directory (the browser tests) finds web/.
  root: fileURLToPath(new URL("web", import.meta.url)),
  base: "./",
  plugins: [openSeadragonWithoutInlineStyle()],
  build: { outDir: "../dist/web", emptyOutDir: true },
});
