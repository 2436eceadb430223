import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { readFile, rename, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { runsEmbedded } from "../../endpoint/where.js";
import { ERRORS, type ErrorCode } from "../../errors.js";
import { archiveFormatOfFile } from "../../jobs/archive/entry.js";
import { type JobProgress, jobProgress } from "../../jobs/progress.js";
import { csvOf, jsonLinesOf, resultLines } from "../../jobs/results.js";
import { cliJob } from "../../jobs/submit.js";
import { RemoteFetcher, remoteRules } from "../../remote/fetcher.js";
import { closeServices } from "../../services.js";
import type { JobSpec, Store, StoredError } from "../../store/port.js";
import { duration, ProgressReporter } from "../batch-progress.js";
import { cliServices } from "../cli-services.js";
import { type Command, UsageError } from "../command.js";
import { EXIT, worstExitCode } from "../exit-codes.js";
import { profileOption } from "../profile-option.js";
import { stopOnSignals } from "../signals.js";

/** Failures listed in the summary; all of them are in the results. */
const FAILURES_SHOWN = 20;
const REFRESH_MS = 250;

export const batch: Command = {
  name: "batch",
  summary: "extract from a folder, a ZIP or TAR archive, a list of files or a IIIF manifest; resumable",
  usage: `palimpsest batch DIR|ARCHIVE|LIST|URL [options]
  DIR is walked; ARCHIVE is a .zip, .tar or .tar.gz; LIST is a text file with one path a line; URL is
  a IIIF manifest or collection (its host in IIIF_ALLOWED_HOSTS). A METS file is one document with the
  files it lists.
  Run the same command again to resume: what is done is skipped, what failed for a reason a retry
  can help is tried again, files added to DIR or LIST are picked up.
  --out PATH                write the results there (default: standard output), once the batch is done
  --format jsonl|csv        jsonl (default): one line per entry with its Extraction; csv: one row per mention
  --concurrency N           model calls in flight at once (default: MODEL_CONCURRENCY)
  --profile NAME|FILE.json  extraction profile by name, or a custom profile file (default: DEFAULT_PROFILE)
  --language CODE           ISO 639-1 language of the documents (default: detected per document)
  Exit codes as for extract (the most serious failure wins); 130 or 143 when stopped by SIGINT or SIGTERM.`,
  options: {
    out: { type: "string" },
    format: { type: "string" },
    concurrency: { type: "string" },
    profile: { type: "string" },
    language: { type: "string" },
  },
  async run({ config, values, positionals, stdout, stderr }) {
    if (positionals.length !== 1) throw new UsageError("batch needs exactly one DIR, ARCHIVE, LIST or URL.");
    const format = (values.format as string | undefined) ?? "jsonl";
    if (format !== "jsonl" && format !== "csv") throw new UsageError("--format must be jsonl or csv.");
    if (values.concurrency !== undefined) {
      const concurrency = Number(values.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new UsageError("--concurrency must be a whole number of at least 1.");
      config.modelConcurrency = concurrency;
    }
    const given = positionals[0] as string;
    const manifest = /^https?:\/\//i.test(given);
    // Refused before anything starts when the configuration allows no fetch of it.
    if (manifest) new RemoteFetcher(remoteRules(config)).check(given, "The manifest");
    const path = manifest ? given : resolve(given);
    const services = await cliServices(config);
    // Mid-batch, documents wait out a model server that goes down (MODEL_DOWN_MAX_MS). One that does
    // not answer at the start is more likely a wrong BLOOM_ENDPOINT_URL: said at once (exit code 4).
    // The embedded model is waited for instead: downloaded at the first run (with its progress), loaded.
    if (runsEmbedded(config)) await services.endpoint.info();
    else await services.endpoint.probe();
    const { store, jobs } = services;
    const option = values.profile as string | undefined;
    const profile = await profileOption(services, config, option);
    const language = values.language as string | undefined;
    const kind = manifest ? "manifest" : await sourceKind(path);
    const spec: JobSpec = {
      profile: profile.name,
      ...(option?.endsWith(".json") ? { schema: await readFile(option, "utf8") } : {}),
      ...(language ? { language } : {}),
      source: { kind, path },
    };
    const key = resumeKey(spec, kind === "archive" ? await contentHash(path) : undefined);
    const found = await cliJob(store, key, spec);
    let job = found.job;
    if (found.resumed) stderr.write(`batch: resuming job ${job.id}\n`);

    const started = Date.now();
    const before = await jobProgress(store, job.id, started);
    const stopping = stopOnSignals(() => jobs.stop());
    try {
      await jobs.start({ onlyJob: job.id });
      // A folder, a list or a manifest is read again, to see what changed. An archive (known by its content) only
      // when it was not read completely, or has failures a retry can help: reading it queues them again.
      if (
        kind !== "archive" ||
        job.state === "unpacking" ||
        job.state === "failed" ||
        (await hasRetryableFailures(store, job.id))
      )
        await jobs.unpack(job.id);
      const reporter = new ProgressReporter(stderr);
      const refresh = setInterval(() => {
        jobProgress(store, job.id, Date.now()).then(
          (progress) => reporter.update(progress),
          () => {},
        );
      }, REFRESH_MS);
      job = (await Promise.race([jobs.whenSettled(job.id), stopping.signalled])) ?? job;
      clearInterval(refresh);
      const progress = await jobProgress(store, job.id, Date.now());
      reporter.update(progress, true);
      if (stopping.which) {
        stderr.write(`batch: stopped by ${stopping.which}; run the same command again to carry on.\n`);
        return stopping.which === "SIGINT" ? 130 : 143;
      }
      if (job.state === "failed") {
        stderr.write(`batch: ${job.error?.code}: ${job.error?.message}\n`);
        return EXIT.DOCUMENT_REFUSED;
      }
      await writeResults(store, job.id, format, values.out as string | undefined, stdout);
      const thisRun = {
        seconds: (Date.now() - started) / 1000,
        modelCalls: progress.modelCalls - before.modelCalls,
      };
      return await summarise(store, job.id, progress, thisRun, stderr);
    } finally {
      stopping.dispose();
      await closeServices(services);
    }
  },
};

async function sourceKind(path: string): Promise<"dir" | "archive" | "list"> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`${path} does not exist.`);
  if (info.isDirectory()) return "dir";
  return (await archiveFormatOfFile(path)) ? "archive" : "list";
}

/** The same source with the same options is the same job; an archive is known by its content. */
function resumeKey(spec: JobSpec, archiveHash: string | undefined): string {
  return createHash("sha256")
    .update(JSON.stringify([spec, archiveHash ?? null]))
    .digest("hex");
}

async function contentHash(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function writeResults(
  store: Store,
  jobId: string,
  format: "jsonl" | "csv",
  out: string | undefined,
  stdout: NodeJS.WritableStream,
): Promise<void> {
  const lines = resultLines(store, jobId);
  const rendered = format === "csv" ? csvOf(lines) : jsonLinesOf(lines);
  if (!out) {
    await pipeline(rendered, stdout, { end: false });
    return;
  }
  // Written aside, then renamed: the results file is either complete or absent, never half written.
  const partial = `${out}.partial`;
  await pipeline(rendered, createWriteStream(partial));
  await rename(partial, out);
}

async function summarise(
  store: Store,
  jobId: string,
  progress: JobProgress,
  thisRun: { seconds: number; modelCalls: number },
  stderr: NodeJS.WritableStream,
): Promise<number> {
  const { documents } = progress;
  stderr.write(
    `batch: ${documents.total} documents: ${documents.done} done (${progress.reused} reused), ${documents.failed} failed, ${progress.skipped} skipped; this run: ${thisRun.modelCalls} model calls, ${duration(thisRun.seconds)}\n`,
  );
  const failed = await store.listTasks(jobId, { state: "failed", limit: FAILURES_SHOWN });
  for (const task of failed)
    stderr.write(`  failed  ${task.path}: ${task.error?.code}: ${task.error?.message}\n`);
  if (documents.failed > failed.length)
    stderr.write(`  ... and ${documents.failed - failed.length} more failures (see the results)\n`);
  const skipped = await store.listSkipped(jobId, { limit: FAILURES_SHOWN });
  for (const entry of skipped) stderr.write(`  skipped ${entry.path}: ${entry.reason}: ${entry.message}\n`);
  if (progress.skipped > skipped.length)
    stderr.write(`  ... and ${progress.skipped - skipped.length} more skipped\n`);
  const codes: number[] = [];
  for (let page = failed; page.length > 0; ) {
    codes.push(...page.map((task) => exitCodeOf(task.error)));
    const after = page.at(-1)?.id;
    page = await store.listTasks(jobId, { state: "failed", limit: 500, ...(after ? { after } : {}) });
  }
  return worstExitCode(codes);
}

async function hasRetryableFailures(store: Store, jobId: string): Promise<boolean> {
  for (let after = 0; ; ) {
    const failed = await store.listTasks(jobId, { state: "failed", limit: 500, after });
    if (failed.length === 0) return false;
    if (failed.some((task) => task.error?.retryable)) return true;
    after = (failed.at(-1) as { id: number }).id;
  }
}

/** The exit code a failure would have had as an `extract` (see exit-codes.ts). */
function exitCodeOf(error: StoredError | undefined): number {
  const known = error && Object.hasOwn(ERRORS, error.code) ? ERRORS[error.code as ErrorCode] : undefined;
  if (!known || error?.code === "INTERNAL") return EXIT.INTERNAL;
  return known.status >= 500 ? EXIT.ENDPOINT_FAILED : EXIT.DOCUMENT_REFUSED;
}
