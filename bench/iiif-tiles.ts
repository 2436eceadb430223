/**
 * What a deep-zoom viewer costs the IIIF Image API: every tile of a page at every scale of its
 * info.json, as OpenSeadragon asks for them when zoomed all the way in, through the real app in
 * process (app.inject). Two pages: the Kant scan (a 1457 x 2083 PNG) and a PDF page rendered at
 * OCR_DPI (a born-digital page, 2480 x 3508 at 300 dpi). Each is served with the decoded-page cache
 * off (IIIF_CACHE_BYTES=0: every tile decodes or renders its page) and on (the default), and each line
 * gives the median milliseconds per tile over SAMPLES passes and the whole pass.
 *
 *   npx tsx bench/iiif-tiles.ts              Environment: SAMPLES (default 5).
 */
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import type { IiifInfo } from "../src/schemas/iiif.js";
import { type Harness, startHarness } from "../test/support/harness.js";
import { KANT_IMAGE } from "../test/support/ocr.js";
import { buildPdf, FRENCH_PAGES } from "../test/support/pdf-fixtures.js";

const SAMPLES = Number(process.env.SAMPLES ?? 5);

async function stored(harness: Harness, bytes: Uint8Array, path: string): Promise<string> {
  const { store, blobs } = harness.services;
  const { id } = await blobs.write([bytes], { maxBytes: bytes.length });
  await store.putDocument({ id, byteLength: bytes.length, createdAt: Date.now() });
  await store.createJob(
    { id: `bench-${path}`, kind: "cli", state: "done", spec: { profile: "default" }, createdAt: Date.now() },
    [{ path, documentId: id }],
  );
  return id;
}

/** Every tile URL of the page, scale by scale, as a viewer computes them from info.json. */
function tileUrls(base: string, info: IiifInfo): string[] {
  const [tiles] = info.tiles;
  if (!tiles) return [];
  return tiles.scaleFactors.flatMap((scale) => {
    const side = tiles.width * scale;
    const urls: string[] = [];
    for (let y = 0; y < info.height; y += side)
      for (let x = 0; x < info.width; x += side) {
        const width = Math.min(side, info.width - x);
        const height = Math.min(side, info.height - y);
        urls.push(`${base}/${x},${y},${width},${height}/${Math.ceil(width / scale)},/0/default.jpg`);
      }
    return urls;
  });
}

async function pass(harness: Harness, urls: string[]): Promise<number> {
  const start = performance.now();
  for (const url of urls) {
    const response = await harness.app.inject({ method: "GET", url });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  }
  return performance.now() - start;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const pages = {
  "Kant scan (PNG, 1457 x 2083)": await readFile(KANT_IMAGE),
  "PDF page rendered at 300 dpi": await buildPdf([FRENCH_PAGES[0] ?? []]),
};

for (const cache of ["0", String(256 * 1024 * 1024)]) {
  const harness = await startHarness({ env: { IIIF_CACHE_BYTES: cache, OCR_DPI: "300" } });
  try {
    for (const [label, bytes] of Object.entries(pages)) {
      const id = await stored(harness, bytes, label);
      const base = `/iiif/${id}/1`;
      const info = (await harness.app.inject({ method: "GET", url: `${base}/info.json` })).json() as IiifInfo;
      const urls = tileUrls(base, info);
      const times = [];
      for (let i = 0; i < SAMPLES; i++) times.push(await pass(harness, urls));
      const ms = median(times);
      console.log(
        `${label}, cache ${cache === "0" ? "off" : "on"}: ${urls.length} tiles (scales ${info.tiles[0]?.scaleFactors.join(", ")}), ${(ms / urls.length).toFixed(1)} ms a tile, ${ms.toFixed(0)} ms the pass (median of ${SAMPLES})`,
      );
    }
  } finally {
    await harness.close();
  }
}
