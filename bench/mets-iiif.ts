/**
 * What reading a work as libraries deliver it costs, in process, without OCR: a METS package of PAGES
 * pages read from their ALTO files (the Kant page's, 29 KB each), made into its stored package from the
 * files and read back; and a IIIF manifest of PAGES canvases whose transcriptions are annotation pages
 * fetched from the IIIF test server on 127.0.0.1 (one fetch per canvas, checked against the rules).
 * Each line gives the median of SAMPLES runs, pages per second and the bytes involved.
 *
 *   npx tsx bench/mets-iiif.ts        Environment: PAGES (default 200), SAMPLES (default 5).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ingest } from "../src/pipeline/ingest/index.js";
import { linkedReading } from "../src/pipeline/ingest/linked.js";
import { bundlePackage } from "../src/pipeline/ingest/mets/package-bundle.js";
import { metsXml } from "../test/support/mets.js";
import { KANT_ALTO } from "../test/support/ocr.js";

const PAGES = Number(process.env.PAGES ?? 200);
const SAMPLES = Number(process.env.SAMPLES ?? 5);

async function median(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

const line = (what: string, ms: number, extra: string) =>
  console.log(
    `${what.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${((PAGES / ms) * 1000).toFixed(0).padStart(6)} pages/s  ${extra}`,
  );

// A METS package of ALTO pages.
const alto = readFileSync(KANT_ALTO);
const mets = Buffer.from(
  metsXml({
    files: Array.from({ length: PAGES }, (_, i) => ({
      id: `ALTO_${i}`,
      group: "FULLTEXT",
      href: `alto/${i}.xml`,
      mimeType: "application/alto+xml",
    })),
    pages: Array.from({ length: PAGES }, (_, i) => ({ id: `P${i}`, order: i + 1, files: [`ALTO_${i}`] })),
  }),
);
const members = [
  { path: "mets.xml", data: mets },
  ...Array.from({ length: PAGES }, (_, i) => ({ path: `alto/${i}.xml`, data: alto })),
].map(({ path, data }) => ({
  path,
  size: data.length,
  content: async function* () {
    yield data;
  },
}));
let bundle = Buffer.alloc(0);
const packing = await median(async () => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of bundlePackage({ format: "mets", mets: "mets.xml" }, members)) chunks.push(chunk);
  bundle = Buffer.concat(chunks);
});
line("METS package made from its files", packing, `${(bundle.length / 1024 ** 2).toFixed(1)} MiB package`);
let characters = 0;
const reading = await median(async () => {
  const document = await ingest(bundle, { maxPages: PAGES, linked: linkedReading({}) });
  characters = document.text.length;
});
line("METS package read (ALTO pages)", reading, `${characters} characters`);

// A IIIF manifest whose canvases' transcriptions are annotation pages, served on 127.0.0.1.
const annotations = (canvas: string) =>
  JSON.stringify({
    type: "AnnotationPage",
    items: Array.from({ length: 30 }, (_, i) => ({
      type: "Annotation",
      motivation: "supplementing",
      body: { type: "TextualBody", value: `Zeile ${i} der Seite, mit einigen Wörtern darin.` },
      target: `${canvas}#xywh=100,${100 + 60 * i},2000,50`,
    })),
  });
let base = "";
const server = createServer((request, response) => {
  const canvas = `${base}/canvas/${(request.url ?? "").split("/").at(-1)}`;
  response.writeHead(200, { "content-type": "application/ld+json" });
  response.end(annotations(canvas));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const manifest = Buffer.from(
  JSON.stringify({
    "@context": "http://iiif.io/api/presentation/3/context.json",
    id: `${base}/manifest.json`,
    type: "Manifest",
    items: Array.from({ length: PAGES }, (_, i) => ({
      id: `${base}/canvas/${i}`,
      type: "Canvas",
      width: 2400,
      height: 3600,
      annotations: [{ id: `${base}/annotations/${i}`, type: "AnnotationPage" }],
    })),
  }),
);
const linked = linkedReading({ iiifAllowedHosts: ["127.0.0.1"], iiifAllowPrivateAddresses: true });
const fetching = await median(() => ingest(manifest, { maxPages: PAGES, linked }));
line(
  "IIIF manifest read (annotation pages fetched)",
  fetching,
  `${PAGES} fetches of ${annotations("x").length} bytes`,
);
server.close();
