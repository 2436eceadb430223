/**
 * The embedded model's file, ready to load: a local path is checked; a remote one is used from MODELS_DIR
 * when it is there (no network at all: after the first start the service works offline), and downloaded
 * otherwise, by one process at a time.
 */
import { constants } from "node:fs";
import { access, mkdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type Config, ConfigError } from "../../config.js";
import { isPalimpsestError, PalimpsestError } from "../../errors.js";
import type { Log } from "../../logger.js";
import { downloadFile } from "./download.js";
import { describeSource, type ExpectedSha256 } from "./download-checks.js";
import { acquireLock } from "./download-lock.js";
import { hashFile } from "./file-hash.js";
import { DEFAULT_MODEL, type ModelSource, parseModelReference, storedPath } from "./model-source.js";
import { readVerified, sidePaths, writeVerified } from "./model-store.js";
import { type DownloadProgress, defaultProgress, withFraction } from "./progress.js";

export type ModelConfig = Pick<
  Config,
  "model" | "modelSha256" | "modelsDir" | "dataDir" | "hubUrl" | "hubToken" | "modelDownloadIdleMs"
>;

export interface EnsureOptions {
  logger: Pick<Log, "info" | "warn">;
  /** Default: a bar when stderr is a terminal, log lines otherwise. */
  progress?: DownloadProgress;
  /** Also told the share downloaded (0 to 1), e.g. for readiness probes. */
  onFraction?: (fraction: number) => void;
  /** Stops a download (the partial is kept) or the wait for another process's. */
  signal?: AbortSignal;
}

export function modelsDirOf(config: Pick<Config, "modelsDir" | "dataDir">): string {
  return config.modelsDir ?? join(config.dataDir, "models");
}

/** BLOOM_MODEL, or the default model; a reference that cannot be read is a configuration error. */
export function configuredModel(config: Pick<Config, "model" | "hubUrl">): ModelSource {
  try {
    return parseModelReference(config.model ?? DEFAULT_MODEL.reference, config.hubUrl);
  } catch (error) {
    throw new ConfigError("BLOOM_MODEL", (error as Error).message);
  }
}

/** Where the configured model's file is, or will be once downloaded. */
export function modelPathOf(config: Pick<Config, "modelsDir" | "dataDir">, source: ModelSource): string {
  return source.kind === "local" ? source.path : storedPath(modelsDirOf(config), source);
}

/** The absolute path of the configured model's file, complete and checked, downloading it if needed. */
export async function ensureModelFile(config: ModelConfig, options: EnsureOptions): Promise<string> {
  const source = configuredModel(config);
  if (source.kind === "local") return checkLocal(source.path);
  const file = modelPathOf(config, source);
  const expected = expectedOf(config, source);
  try {
    if (await isReady(file, source.reference, expected, options)) return file;
    await mkdir(dirname(file), { recursive: true });
    const lock = await acquireLock(sidePaths(file).lock, {
      signal: options.signal,
      onWait: (pid) =>
        options.logger.info(
          { file, pid },
          `model download: another process (${pid ?? "starting"}) is downloading ${file}; waiting for it`,
        ),
    });
    try {
      // The process waited for may have completed the file meanwhile.
      if (await isReady(file, source.reference, expected, options)) return file;
      const downloaded = await downloadFile({
        reference: source.reference,
        url: source.url,
        file,
        expected,
        hubOrigin: new URL(config.hubUrl).origin,
        token: config.hubToken,
        idleMs: config.modelDownloadIdleMs,
        signal: options.signal,
        progress: withFraction(options.progress ?? defaultProgress(options.logger), options.onFraction),
        logger: options.logger,
      });
      await writeVerified(file, {
        reference: source.reference,
        sha256: downloaded.sha256,
        checkedAgainst: downloaded.checkedAgainst,
      });
      return file;
    } finally {
      await lock.release();
    }
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (isPalimpsestError(error)) throw error;
    throw new PalimpsestError(
      "MODEL_NOT_AVAILABLE",
      `The model file ${source.fileName} could not be downloaded from ${source.url}: ${(error as Error).message}. You can download it yourself and put it at ${file}, or set BLOOM_MODEL to the path of a GGUF file you have.`,
      { cause: error, details: { url: source.url, destination: file } },
    );
  }
}

/** BLOOM_MODEL_SHA256 first; the known checksum of the default model when that is the one used. */
function expectedOf(
  config: ModelConfig,
  source: Extract<ModelSource, { kind: "remote" }>,
): ExpectedSha256 | undefined {
  if (config.modelSha256) return { sha256: config.modelSha256, from: "BLOOM_MODEL_SHA256" };
  if (source.reference === DEFAULT_MODEL.reference)
    return { sha256: DEFAULT_MODEL.sha256, from: "default model" };
  return undefined;
}

/**
 * Whether the file is there and is the one expected. Its sha256 is computed once (a file put there by
 * hand, or left by a run stopped before writing the record) and remembered beside it.
 */
async function isReady(
  file: string,
  reference: string,
  expected: ExpectedSha256 | undefined,
  options: EnsureOptions,
): Promise<boolean> {
  if (!(await stat(file).catch(() => undefined))) return false;
  let record = await readVerified(file);
  if (!record) {
    options.logger.info({ file }, `model file: computing the sha256 of ${file} (once)`);
    const sha256 = (await hashFile(file, options.signal)).digest("hex");
    record = await writeVerified(file, { reference, sha256, checkedAgainst: expected?.from ?? "none" });
  }
  if (expected && record.sha256 !== expected.sha256)
    throw new PalimpsestError(
      "MODEL_NOT_AVAILABLE",
      `The model file ${file} has sha256 ${record.sha256}, but ${expected.sha256} is expected (${describeSource(expected.from)}). Delete it to download it again, or set BLOOM_MODEL_SHA256 if it is the file you want.`,
      { details: { destination: file } },
    );
  if (expected && record.checkedAgainst !== expected.from)
    await writeVerified(file, { ...record, checkedAgainst: expected.from });
  return true;
}

async function checkLocal(path: string): Promise<string> {
  const problem = await stat(path).then(
    (info) =>
      info.isFile()
        ? access(path, constants.R_OK).then(
            () => undefined,
            (error: NodeJS.ErrnoException) => `cannot be read (${error.code})`,
          )
        : "is not a file",
    (error: NodeJS.ErrnoException) =>
      error.code === "ENOENT" ? "does not exist" : `cannot be read (${error.code})`,
  );
  if (problem === undefined) return path;
  throw new PalimpsestError(
    "MODEL_NOT_AVAILABLE",
    `BLOOM_MODEL names the local file ${path}, which ${problem}. Point BLOOM_MODEL to a readable GGUF file, or unset it to download the default model (${DEFAULT_MODEL.reference}, about ${DEFAULT_MODEL.megabytes} MB).`,
    { details: { destination: path } },
  );
}
