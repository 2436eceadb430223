/**
 * What the review page costs on a long document: a PDF of PAGES pages (text layer, a few mentions a
 * page) is extracted through the real app against the TGI test server, then the routes the page uses
 * are timed in process (app.inject, so the figures are the service's, not a network's):
 *
 * - the whole result (GET /v1/documents/:id/entities), and without its text (?text=false), which the
 *   page loads once;
 * - one page's text and mentions (GET .../pages/:n), which the page loads on each page turn;
 * - one page image (GET .../pages/:n/image, a rendering of the PDF page; at the default width and at
 *   the width the review page asks), and the same again with its ETag (304, as a browser asks once it has it).
 *
 *   npx tsx bench/review-pages.ts              Environment: PAGES (default 300), SAMPLES (default 15).
 */
import { performance } from "node:perf_hooks";
import { type Harness, lexiconModel, startHarness } from "../test/support/harness.js";
import { multipartBody } from "../test/support/multipart.js";
import { buildPdf } from "../test/support/pdf-fixtures.js";

const PAGES = Number(process.env.PAGES ?? 300);
const SAMPLES = Number(process.env.SAMPLES ?? 15);
const PLACES = ["Bordeaux", "Nîmes", "Lyon", "Genève", "Reims"];
const PERSONS = ["Jean Dupuy", "Marie Curval", "Pierre Lenoir"];

/** A register page: 30 lines of about 70 characters, two names and a place. */
function registerPage(n: number): string[] {
  return Array.from({ length: 30 }, (_, line) => {
    if (line === 3)
      return `Le ${(n % 28) + 1} mars, ${PERSONS[n % 3]}, natif de ${PLACES[n % 5]}, a comparu.`;
    if (line === 17) return `Témoin : ${PERSONS[(n + 1) % 3]}, demeurant en cette paroisse depuis dix ans.`;
    return `Ligne ${line + 1} de la page ${n + 1}, écrite d'une main soigneuse sur papier timbré.`;
  });
}

async function timed(harness: Harness, url: string, headers: Record<string, string> = {}) {
  const start = performance.now();
  const response = await harness.app.inject({ method: "GET", url, headers });
  const ms = performance.now() - start;
  if (response.statusCode >= 400) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return { ms, bytes: response.rawPayload.length, etag: String(response.headers.etag ?? "") };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function main() {
  const harness = await startHarness({
    // Two prompts a page in BLOOM's window: a long register passes the default MAX_CHUNKS (and MAX_PAGES).
    env: { MAX_CHUNKS: String(PAGES * 4), MAX_PAGES: String(Math.max(PAGES, 500)) },
    server: {
      respond: lexiconModel([
        ...PLACES.map((text) => ({ type: "place", text })),
        ...PERSONS.map((text) => ({ type: "person", text })),
      ]),
    },
  });
  try {
    const pdf = await buildPdf(Array.from({ length: PAGES }, (_, n) => registerPage(n)));
    const { payload, headers } = await multipartBody(
      { bytes: pdf, filename: "registre.pdf" },
      { language: "fr" },
    );
    const started = performance.now();
    const queued = await harness.app.inject({ method: "POST", url: "/v1/documents", payload, headers });
    const job = queued.json() as { id: string; document: string };
    const settled = await harness.services.jobs.whenSettled(job.id);
    const [task] = await harness.services.store.listTasks(job.id, { limit: 1 });
    if (settled?.state !== "done" || task?.state !== "done")
      throw new Error(`the document was not extracted: ${JSON.stringify(task?.error ?? settled)}`);
    console.log(
      `${PAGES}-page PDF (${kib(pdf.length)}) extracted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const base = `/v1/documents/${job.document}`;
    const report = async (label: string, urls: () => string, extra: Record<string, string> = {}) => {
      const runs = [];
      for (let i = 0; i < SAMPLES; i++) runs.push(await timed(harness, urls(), extra));
      console.log(
        `${label.padEnd(48)} median ${median(runs.map((r) => r.ms))
          .toFixed(1)
          .padStart(7)} ms   ${kib(median(runs.map((r) => r.bytes)))}`,
      );
      return runs;
    };
    const somePage = () => 1 + Math.floor(Math.random() * PAGES);
    await report("whole result (entities)", () => `${base}/entities`);
    await report("result without text (entities?text=false)", () => `${base}/entities?text=false`);
    await report("one page (pages/:n)", () => `${base}/pages/${somePage()}`);
    await report("page image, rendered (pages/:n/image)", () => `${base}/pages/${somePage()}/image`);
    await report(
      "page image at 1400 px, as the review page asks",
      () => `${base}/pages/${somePage()}/image?width=1400`,
    );
    const { etag } = await timed(harness, `${base}/pages/1/image`);
    await report("page image, revalidated (304)", () => `${base}/pages/1/image`, { "if-none-match": etag });
  } finally {
    await harness.close();
  }
}

await main();
