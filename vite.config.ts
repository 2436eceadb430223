/** The review front end: web/ built into dist/web, which src/api/web.ts serves. */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  // Absolute, so a build started from another directory (the browser tests) finds web/.
  root: fileURLToPath(new URL("web", import.meta.url)),
  base: "./",
  build: { outDir: "../dist/web", emptyOutDir: true },
});
