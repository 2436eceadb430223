/**
 * The one language folder tesseract.js reads, assembled under DATA_DIR so nothing is ever fetched:
 * tesseract.js takes a single `langPath` for all languages, while each @tesseract.js-data package
 * has its own folder. Its models are the npm packages' `4.0.0_best_int` files (same output as
 * `4.0.0`, 60-100 MiB less per worker) and, where Debian's tesseract packages are installed, their
 * traineddata files (Fraktur, historical languages), gzipped the first time a worker needs them.
 *
 * tesseract.js caches each unpacked model as `<lang>.traineddata` whatever its source, so the cache
 * folder is named after a fingerprint of the sources: a changed model gets a fresh cache.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, readdir, rename, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";

const NPM_SCOPE_PROBE = "@tesseract.js-data/eng/package.json";
const NPM_VARIANT = "4.0.0_best_int";

export interface Tessdata {
  langPath: string;
  cachePath: string;
  models: ReadonlySet<string>;
  /** Puts the models' files into langPath (a no-op for those already there). */
  prepare(models: readonly string[]): Promise<void>;
}

interface Source {
  path: string;
  gzipped: boolean;
  size: number;
  mtimeMs: number;
}

/**
 * @param dataDir DATA_DIR
 * @param systemTessdata Debian's tessdata folder, when native tesseract is installed
 */
export async function assembleTessdata(dataDir: string, systemTessdata?: string): Promise<Tessdata> {
  const sources = new Map<string, Source>();
  // Debian's first, so the npm packages (always present) win where both have a language.
  if (systemTessdata)
    for (const [model, source] of await systemSources(systemTessdata)) sources.set(model, source);
  for (const [model, source] of await npmSources()) sources.set(model, source);

  const root = join(dataDir, "ocr", "tesseract.js");
  const langPath = join(root, "lang");
  const cachePath = join(root, "cache", fingerprint(sources));
  await mkdir(langPath, { recursive: true });
  await mkdir(cachePath, { recursive: true });

  // One placement per model and process, however many workers ask for it at once.
  const placed = new Map<string, Promise<void>>();
  return {
    langPath,
    cachePath,
    models: new Set(sources.keys()),
    async prepare(models) {
      for (const model of models) {
        const source = sources.get(model);
        if (!source) throw new Error(`No traineddata for "${model}" is installed.`);
        let placing = placed.get(model);
        if (!placing) {
          placing = place(source, join(langPath, `${model}.traineddata.gz`));
          placing.catch(() => placed.delete(model));
          placed.set(model, placing);
        }
        await placing;
      }
    },
  };
}

async function npmSources(): Promise<Map<string, Source>> {
  const require = createRequire(import.meta.url);
  const scope = dirname(dirname(require.resolve(NPM_SCOPE_PROBE)));
  const found = new Map<string, Source>();
  for (const model of await readdir(scope)) {
    const path = join(scope, model, NPM_VARIANT, `${model}.traineddata.gz`);
    const info = await stat(path).catch(() => undefined);
    if (info) found.set(model, { path, gzipped: true, size: info.size, mtimeMs: info.mtimeMs });
  }
  return found;
}

/** Top-level traineddata files only: tesseract.js keeps models in a flat folder. */
async function systemSources(folder: string): Promise<Map<string, Source>> {
  const found = new Map<string, Source>();
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith(".traineddata"))) {
    const path = join(folder, name);
    const info = await stat(path);
    found.set(name.slice(0, -".traineddata".length), {
      path,
      gzipped: false,
      size: info.size,
      mtimeMs: info.mtimeMs,
    });
  }
  return found;
}

function fingerprint(sources: Map<string, Source>): string {
  const hash = createHash("sha256");
  for (const [model, { path, size, mtimeMs }] of [...sources].sort(([a], [b]) => a.localeCompare(b)))
    hash.update(`${model}\0${path}\0${size}\0${mtimeMs}\n`);
  return hash.digest("hex").slice(0, 16);
}

/** Copies (or gzips) a model into place unless an up-to-date copy is there; atomic, so workers never read half a file. */
async function place(source: Source, target: string): Promise<void> {
  const existing = await stat(target).catch(() => undefined);
  if (existing && existing.mtimeMs >= source.mtimeMs && (!source.gzipped || existing.size === source.size))
    return;
  const partial = `${target}.${process.pid}.partial`;
  if (source.gzipped) await copyFile(source.path, partial);
  else await pipeline(createReadStream(source.path), createGzip({ level: 1 }), createWriteStream(partial));
  await rename(partial, target);
}
