/**
 * How long the XML exports take on long documents, in process: TEI of a result of PAGES pages (30
 * lines and 3 mentions a page, with pages read from OCR and ALTO), and the tagged ALTO of an ALTO file
 * of PAGES pages (page 17 of Kant's 1784 essay repeated, 161 words a page) with a mention on every
 * tenth word. Each line gives the median of SAMPLES runs and the size of the file written.
 *
 *   npx tsx bench/export-xml.ts        Environment: PAGES (default 300), SAMPLES (default 11).
 */
import { readFileSync } from "node:fs";
import { taggedAlto } from "../src/export/tagged-alto.js";
import { tei } from "../src/export/tei.js";
import { fileExtraction } from "../test/support/placed-extractions.js";
import { richExtraction } from "../test/support/rich-extraction.js";

const PAGES = Number(process.env.PAGES ?? 300);
const SAMPLES = Number(process.env.SAMPLES ?? 11);

function median(run: () => unknown): { ms: number; bytes: number } {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    const output = run() as string | Buffer;
    times.push(performance.now() - start);
    bytes = Buffer.byteLength(output);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] as number, bytes };
}

const report = (label: string, { ms, bytes }: { ms: number; bytes: number }) =>
  console.log(`${label}: ${ms.toFixed(1)} ms median of ${SAMPLES}, ${(bytes / 1024 / 1024).toFixed(2)} MiB`);

const rich = richExtraction(PAGES);
report(
  `tei, ${PAGES} pages, ${rich.entities.length} mentions`,
  median(() => tei([rich])),
);

const kant = readFileSync(
  new URL(
    "../test/fixtures/formats/alto/ocrd-assets_kant_aufklaerung_1784_PAGE_0017_ALTO-v2.xml",
    import.meta.url,
  ),
  "utf8",
);
const layout = /<Layout>([\s\S]*)<\/Layout>/.exec(kant)?.[1] ?? "";
const alto = Buffer.from(kant.replace(layout, layout.repeat(PAGES)));
const words = [...kant.matchAll(/CONTENT="([^"]+)"/g)].map((match) => match[1] as string);
const mentions = Array.from({ length: PAGES }, () =>
  words.filter((_, i) => i % 10 === 0).map((text) => ({ type: "person", text })),
).flat();
const extraction = await fileExtraction(alto, mentions, "kant.xml");
const sources = new Map([[extraction.document.id, alto]]);
report(
  `alto, ${PAGES} pages, ${extraction.entities.length} mentions, ${(alto.byteLength / 1024 / 1024).toFixed(1)} MiB file`,
  median(() => taggedAlto(extraction, sources)),
);
