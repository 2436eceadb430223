/**
 * Schema validation of the XML exports with real validators: Debian's `jing` (RELAX NG: TEI) and
 * `xmllint` (XML Schema: ALTO, PAGE), against the publishers' schemas in test/fixtures/schemas. Where
 * a validator is missing, its checks skip with a message (.ci/run installs both).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const SCHEMAS = fileURLToPath(new URL("../fixtures/schemas/", import.meta.url));
export const TEI_ALL = join(SCHEMAS, "tei_all.rng");
export const ALTO_XSD = join(SCHEMAS, "alto-4-4.xsd");
export const PAGE_XSD = join(SCHEMAS, "pagecontent-2019-07-15.xsd");
const CATALOG = join(SCHEMAS, "catalog.xml");

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => existsSync(join(dir, command)));
}

export const hasJing = onPath("jing");
export const hasXmllint = onPath("xmllint");
if (!hasJing) console.warn("TEI schema validation skipped: jing is missing (apt-get install jing).");
if (!hasXmllint)
  console.warn(
    "ALTO and PAGE schema validation skipped: xmllint is missing (apt-get install libxml2-utils).",
  );

function withFile<T>(xml: string | Uint8Array, use: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "palimpsest-xml-"));
  try {
    const path = join(dir, "document.xml");
    writeFileSync(path, xml);
    return use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** jing's messages for the document against a RELAX NG schema; empty when it is valid. */
export function relaxNgErrors(xml: string | Uint8Array, schema: string): string[] {
  return withFile(xml, (path) => {
    const run = spawnSync("jing", [schema, path], { encoding: "utf8" });
    if (run.error) throw run.error;
    const errors = run.stdout
      .split("\n")
      .filter((line) => line.includes(" error: ") || line.includes("fatal"));
    if (run.status !== 0 && errors.length === 0) throw new Error(`jing failed: ${run.stderr}`);
    return errors.map((line) => line.slice(line.indexOf(" error: ") + 1));
  });
}

/**
 * xmllint's messages for the document against an XML Schema, without their line numbers (so a file
 * and the same file with elements added compare); empty when it is valid. Never on the network.
 */
export function xmlSchemaErrors(xml: string | Uint8Array, schema: string): string[] {
  return withFile(xml, (path) => {
    const run = spawnSync("xmllint", ["--nonet", "--noout", "--schema", schema, path], {
      encoding: "utf8",
      env: { ...process.env, XML_CATALOG_FILES: CATALOG },
    });
    if (run.error) throw run.error;
    if (run.stderr.includes("failed to compile")) throw new Error(`xmllint: ${run.stderr}`);
    return run.stderr
      .split("\n")
      .filter((line) => line.includes("validity error"))
      .map((line) => line.replace(/^.*?:\d+: /, ""));
  });
}
