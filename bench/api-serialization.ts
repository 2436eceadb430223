/**
 * What fast-json-stringify would cost the big answers, which is why the routes that answer Extractions
 * serialise them with JSON.stringify (plainJson in src/api/docs.ts) while their response schemas stay
 * for the OpenAPI description: a 300-page result with 900 mentions (every optional field present
 * somewhere) answered through fastify with its response schema compiled by fast-json-stringify, and with
 * JSON.stringify, in turns, in process (app.inject): the whole Extraction (POST /v1/extract), the result
 * without its text (GET .../entities?text=false, an anyOf of two schemas) and one page (GET
 * .../pages/:n). Each line gives both medians, their ratio, and checks that both give the same bytes.
 *
 *   npx tsx bench/api-serialization.ts        Environment: PAGES (default 300), SAMPLES (default 101).
 */
import Fastify, { type FastifyInstance } from "fastify";
import { plainJson, registerDocs } from "../src/api/docs.js";
import { refTo } from "../src/schemas/builders.js";
import { PageView } from "../src/schemas/document.js";
import { Extraction, ExtractionOutline } from "../src/schemas/extraction.js";
import { richExtraction } from "../test/support/rich-extraction.js";

const PAGES = Number(process.env.PAGES ?? 300);
const SAMPLES = Number(process.env.SAMPLES ?? 101);

const extraction = richExtraction(PAGES);
const { text: _text, ...outline } = extraction;
const page = {
  page: extraction.document.pages[1],
  text: extraction.text.slice(0, 2000),
  entities: extraction.entities.filter((mention) => mention.page === 2),
  links: { entities: "/v1/documents/x/entities", previous: "/v1/documents/x/pages/1" },
};

const ROUTES = [
  ["whole Extraction (POST /v1/extract)", "/extraction", extraction, refTo(Extraction)],
  [
    "without text (entities?text=false)",
    "/outline",
    outline,
    { anyOf: [refTo(Extraction), refTo(ExtractionOutline)] },
  ],
  ["one page (pages/:n)", "/page", page, refTo(PageView)],
] as const;

async function appWith(fastJsonStringify: boolean): Promise<FastifyInstance> {
  const app = Fastify();
  await registerDocs(app, "bench");
  for (const [, url, body, schema] of ROUTES)
    app.get(
      url,
      {
        schema: { response: { 200: schema } },
        ...(fastJsonStringify ? {} : { serializerCompiler: plainJson }),
      },
      async () => body,
    );
  await app.ready();
  return app;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function timed(app: FastifyInstance, url: string): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  const response = await app.inject({ method: "GET", url });
  return { ms: performance.now() - start, bytes: response.rawPayload.length };
}

async function main() {
  const withSchema = await appWith(true);
  const without = await appWith(false);
  console.log(`${PAGES} pages, ${extraction.entities.length} mentions; medians of ${SAMPLES}`);
  for (const [label, url] of ROUTES) {
    const schema: number[] = [];
    const plain: number[] = [];
    let bytes = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const a = await timed(withSchema, url);
      const b = await timed(without, url);
      schema.push(a.ms);
      plain.push(b.ms);
      if (a.bytes !== b.bytes)
        throw new Error(`${url}: ${a.bytes} bytes with the schema, ${b.bytes} without`);
      bytes = a.bytes;
    }
    const [s, p] = [median(schema), median(plain)];
    console.log(
      `${label.padEnd(40)} fast-json-stringify ${s.toFixed(2).padStart(7)} ms   JSON.stringify ${p.toFixed(2).padStart(7)} ms   ×${(s / p).toFixed(2)}   ${(bytes / 1024).toFixed(1)} KiB`,
    );
  }
  await withSchema.close();
  await without.close();
}

await main();
