import { stat } from "node:fs/promises";
import type { Config } from "../../config.js";
import {
  configuredModel,
  ensureModelFile,
  modelPathOf,
  modelsDirOf,
} from "../../endpoint/embedded/model-file.js";
import { listModelFiles, type ModelFileEntry } from "../../endpoint/embedded/model-list.js";
import {
  DEFAULT_MODEL,
  type ModelSource,
  parseModelReference,
} from "../../endpoint/embedded/model-source.js";
import { defaultProgress, megabytes } from "../../endpoint/embedded/progress.js";
import { createLogger } from "../../logger.js";
import { type Command, type CommandContext, UsageError } from "../command.js";
import { EXIT } from "../exit-codes.js";

/** 128 + the signal's number, as shells report a command stopped by it. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

export const models: Command = {
  name: "models",
  summary: "download the embedded model's file (pull) or list the files in MODELS_DIR (list)",
  usage: `palimpsest models pull [REF]
palimpsest models list
  pull  downloads REF into MODELS_DIR and prints the file's path. REF is hf:owner/repo[@revision]/file.gguf
        or an http(s) URL (default: BLOOM_MODEL, or ${DEFAULT_MODEL.reference}, about ${DEFAULT_MODEL.megabytes} MB).
        An interrupted download resumes when the command is run again. Checked against BLOOM_MODEL_SHA256
        (for the configured model), the default model's known sha256, or the hub's own.
  list  lists the model files in MODELS_DIR: reference, size, sha256 (or "unverified"), downloads not
        finished with their percent; * marks the configured model.
  Exit codes: 0 done, 2 usage, 4 the file could not be downloaded, 78 bad configuration, 130/143 stopped.`,
  options: {},
  async run(context) {
    const [action, reference, ...extra] = context.positionals;
    if (action === "pull" && extra.length === 0) return pull(context, reference);
    if (action === "list" && reference === undefined) return list(context);
    throw new UsageError("models needs pull [REF] or list.");
  },
};

async function pull(
  { config, stdout, stderr }: CommandContext,
  reference: string | undefined,
): Promise<number> {
  const target =
    reference === undefined
      ? config
      : { ...config, model: reference, modelSha256: shaFor(config, reference) };
  // Progress is what this command is for: shown at info level even though other commands log less.
  const logger = createLogger(config.logLevel, stderr);
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stoppedBy = signal;
    controller.abort(new Error(`stopped by ${signal}`));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const path = await ensureModelFile(target, {
      logger,
      progress: defaultProgress(logger, stderr),
      signal: controller.signal,
    });
    stdout.write(`${path}\n`);
    return EXIT.OK;
  } catch (error) {
    if (!stoppedBy) throw error;
    stderr.write(`palimpsest models: stopped; what was downloaded is kept and "models pull" resumes it.\n`);
    return SIGNAL_EXIT[stoppedBy] ?? EXIT.INTERNAL;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** BLOOM_MODEL_SHA256 describes the configured model only: another REF is checked against the hub's. */
function shaFor(config: Config, reference: string): string | undefined {
  let wanted: ModelSource;
  try {
    wanted = parseModelReference(reference, config.hubUrl);
  } catch (error) {
    throw new UsageError(`REF: ${(error as Error).message}.`);
  }
  const configured = configuredModel(config);
  return modelPathOf(config, wanted) === modelPathOf(config, configured) ? config.modelSha256 : undefined;
}

async function list({ config, stdout }: CommandContext): Promise<number> {
  const modelsDir = modelsDirOf(config);
  const configured = configuredModel(config);
  const configuredPath = modelPathOf(config, configured);
  const entries = await listModelFiles(modelsDir);
  if (entries.length === 0) stdout.write(`No model files in ${modelsDir}.\n`);
  for (const entry of entries) {
    const mark = entry.file === configuredPath ? "*" : " ";
    stdout.write(`${mark} ${entry.reference ?? entry.storedAs}\t${describe(entry)}\t${entry.file}\n`);
  }
  if (configured.kind === "local") {
    const size = await stat(configuredPath).then(
      (info) => megabytes(info.size),
      () => "missing",
    );
    stdout.write(`* ${configured.reference}\tlocal file (BLOOM_MODEL), ${size}\t${configuredPath}\n`);
  } else if (!entries.some((entry) => entry.state === "complete" && entry.file === configuredPath))
    stdout.write(
      `configured: ${configured.reference} is not downloaded yet; "palimpsest models pull" downloads it to ${configuredPath}\n`,
    );
  return EXIT.OK;
}

function describe(entry: ModelFileEntry): string {
  if (entry.state === "partial") {
    const percent = entry.totalBytes
      ? `${Math.floor((entry.bytes / entry.totalBytes) * 100)}% of ${megabytes(entry.totalBytes)}`
      : megabytes(entry.bytes);
    return `partial\t${percent} (run "palimpsest models pull" to resume)`;
  }
  const checked = entry.sha256 && entry.checkedAgainst && entry.checkedAgainst !== "none";
  return `${megabytes(entry.bytes)}\t${checked ? `sha256 ${entry.sha256}` : "unverified"}`;
}
