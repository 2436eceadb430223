/**
 * The OpenAPI description is good enough to program against: the running service's /docs/json is
 * turned into TypeScript types by openapi-typescript (as the README says), a small program uses them
 * with openapi-fetch to extract a document, submit a batch, follow its job, read a page and download an
 * export; tsc type-checks it strictly (bodies typed `never` or `any` would fail it) and tsx runs it
 * against the service.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/package-info.js";
import { buildZip } from "../support/archives.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

const run = promisify(execFile);
const ROOT = packageRoot();
const bin = (path: string) => join(ROOT, "node_modules", path);

const LETTER = "Jean-Baptiste Colbert naquit à Reims le 29 août 1619.";
const LEXICON = [
  { type: "person", text: "Jean-Baptiste Colbert" },
  { type: "place", text: "Reims" },
  { type: "place", text: "Bordeaux" },
];

/** The program a user would write with the generated types; every response is checked for its type. */
const PROGRAM = `
import { readFile } from "node:fs/promises";
import createClient from "openapi-fetch";
import type { components, paths } from "./palimpsest.js";

type Job = components["schemas"]["Job"];
/** A response typed never or any would be of no use: both fail this program's type check. */
type Typed<T> = [T] extends [never] ? false : 0 extends 1 & T ? false : true;
const typed = <T>(_value: T, ok: Typed<T>) => ok;

// JSON answers only: exports are read as text where they are asked for.
const client = createClient<paths, "application/json">({ baseUrl: process.env.PALIMPSEST_URL });

function form(fields: Record<string, string>, file: Blob, filename: string): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  body.set("file", file, filename);
  return body;
}

const letter = new Blob([${JSON.stringify(LETTER)}], { type: "text/plain" });
const extracted = await client.POST("/v1/extract", {
  body: { file: "lettre.txt", language: "fr" },
  // The typed body says which fields there are; FormData carries them, the file as a file.
  bodySerializer: () => form({ language: "fr" }, letter, "lettre.txt"),
});
if (extracted.response.status !== 200 || !extracted.data || !("entities" in extracted.data))
  throw new Error(\`POST /v1/extract: \${extracted.response.status}\`);
const extraction = extracted.data;
typed(extraction.entities, true);
// @ts-expect-error: a mention has no such field
extraction.entities[0]?.noSuchField;
console.log("extract", extracted.response.status, extraction.entities.map((m) => \`\${m.type}:\${m.text}@\${m.start}\`).join(" "));

const archive = new Blob([await readFile("batch.zip")], { type: "application/zip" });
const submitted = await client.POST("/v1/batches", {
  body: { file: "batch.zip", language: "fr" },
  bodySerializer: () => form({ language: "fr" }, archive, "batch.zip"),
});
if (!submitted.data) throw new Error(\`POST /v1/batches: \${submitted.response.status}\`);
let job: Job = submitted.data;
console.log("batch", submitted.response.status, job.kind);

const finished: Job["state"][] = ["done", "failed", "cancelled"];
while (!finished.includes(job.state)) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const polled = await client.GET("/v1/jobs/{id}", { params: { path: { id: job.id } } });
  if (!polled.data) throw new Error(\`GET /v1/jobs/:id: \${polled.error?.error.code}\`);
  job = polled.data;
}
typed(job.progress.documents.done, true);
console.log("job", job.state, job.progress.documents.done, "of", job.progress.documents.total);

const listed = await client.GET("/v1/jobs/{id}/documents", { params: { path: { id: job.id }, query: { limit: 10 } } });
const bordeaux = listed.data?.documents.find((entry) => entry.path === "b.txt");
if (!bordeaux) throw new Error("the batch has no b.txt");

const page = await client.GET("/v1/documents/{id}/pages/{number}", {
  params: { path: { id: bordeaux.document, number: 1 } },
});
if (!page.data) throw new Error(\`GET /v1/documents/:id/pages/:number: \${page.error?.error.code}\`);
typed(page.data.page.number, true);
console.log("page", page.data.page.number, page.data.entities.map((m) => m.text).join(" "), page.data.links.image ?? "no image");

const missing = await client.GET("/v1/jobs/{id}", { params: { path: { id: "no-such-job" } } });
console.log("error", missing.response.status, missing.error?.error.code);

const exported = await client.GET("/v1/documents/{id}/entities", {
  params: { path: { id: bordeaux.document }, query: { format: "csv" } },
  parseAs: "text",
});
console.log("export", exported.response.headers.get("content-type"), (exported.data ?? "").split("\\r\\n")[0]);
`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: "ES2023",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2023", "DOM"],
    types: ["node"],
    skipLibCheck: true,
  },
  files: ["client.ts"],
};

describe("a client generated from the OpenAPI description", () => {
  let harness: Harness;
  let address: string;
  let dir: string;

  beforeAll(async () => {
    harness = await startHarness({ server: { respond: lexiconModel(LEXICON) } });
    address = await harness.app.listen({ port: 0, host: "127.0.0.1" });
    dir = await mkdtemp(join(tmpdir(), "palimpsest-client-"));
    // The program resolves openapi-fetch, tsx and the Node types from the project's own modules.
    await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    await writeFile(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
    await writeFile(join(dir, "client.ts"), PROGRAM);
    await writeFile(
      join(dir, "batch.zip"),
      await buildZip([
        { name: "a.txt", data: "Colbert écrit de Reims." },
        { name: "b.txt", data: "Parti de Bordeaux le 3 mai." },
      ]),
    );
  });
  afterAll(async () => {
    await harness?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("type-checks strictly and works against the service", async () => {
    // The README's command: the types straight from the running service.
    await run(process.execPath, [
      bin("openapi-typescript/bin/cli.js"),
      `${address}/docs/json`,
      "-o",
      join(dir, "palimpsest.d.ts"),
    ]);
    await run(process.execPath, [bin("typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")]).catch(
      (error: { stdout?: string }) => {
        throw new Error(`the program does not type-check:\n${error.stdout}`);
      },
    );
    const { stdout } = await run(process.execPath, ["--import", "tsx", "client.ts"], {
      cwd: dir,
      env: { ...process.env, PALIMPSEST_URL: address },
    });
    const lines = stdout.trim().split("\n");
    const colbert = LETTER.indexOf("Jean-Baptiste Colbert");
    const reims = [...LETTER.slice(0, LETTER.indexOf("Reims"))].length;
    expect(lines).toEqual([
      `extract 200 person:Jean-Baptiste Colbert@${colbert} place:Reims@${reims}`,
      "batch 202 batch",
      "job done 2 of 2",
      "page 1 Bordeaux no image",
      "error 404 NOT_FOUND",
      expect.stringMatching(/^export text\/csv; charset=utf-8; header=present \S+/),
    ]);
  }, 180_000);
});
