/**
 * Reads a job's source into its tasks, as one scan under this worker: what the source no longer holds
 * is dropped, and the job then runs. An archive refused as a whole (a bomb, not an archive) fails the
 * job; after a shutdown the next start reads the source again; an uploaded archive is deleted once read.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { checkStorage } from "../../auth/quotas.js";
import type { Config } from "../../config.js";
import type { Log } from "../../logger.js";
import { RemoteFetcher, remoteRules } from "../../remote/fetcher.js";
import type { BlobStore } from "../../store/blobs.js";
import type { Store } from "../../store/port.js";
import { type Interruption, storedError } from "../process-task.js";
import { uploadedArchive } from "../submit.js";
import { Intake } from "./intake.js";
import { admitSource } from "./sources.js";

export interface ReadSourceDeps {
  config: Config;
  store: Store;
  blobs: BlobStore;
  logger: Log;
  now: () => number;
}

export async function readJobSource(
  deps: ReadSourceDeps,
  jobId: string,
  worker: string,
  signal: AbortSignal,
  interruption: () => Interruption | undefined,
): Promise<void> {
  const { config, store, blobs, now } = deps;
  const job = await store.getJob(jobId);
  const source = job?.spec.source;
  if (!job || !source) return;
  const scan = await store.claimUnpacking(job.id, worker);
  if (scan === undefined) return;
  const uploaded = uploadedArchive(job);
  const intake = new Intake(
    {
      store,
      blobs,
      limits: {
        maxEntries: config.archiveMaxEntries,
        maxUnpackedBytes: config.archiveMaxUnpackedBytes,
        maxRatio: config.archiveMaxRatio,
      },
      maxDocumentBytes: config.maxUploadBytes,
      scratchDir: join(config.dataDir, "tmp"),
      // Quotas are a key's: an open-mode or CLI job has none.
      ...(job.createdBy === undefined
        ? {}
        : { checkRoom: (bytes: number) => checkStorage(store, config, job.tenant, bytes) }),
      mets: {
        limits: { maxFiles: config.metsMaxFiles, maxDivs: config.metsMaxDivs },
        unitTypes: config.metsUnitTypes,
      },
      now,
    },
    job.id,
    scan,
    signal,
  );
  try {
    await admitSource(intake, source, {
      fetcher: new RemoteFetcher(remoteRules(config)),
      maxManifests: config.iiifMaxManifests,
    });
    await store.finishUnpacking(job.id, scan, now());
    if (uploaded) await rm(uploaded, { force: true });
  } catch (error) {
    const why = interruption();
    if (why === "shutdown") return;
    if (why !== "cancel") {
      deps.logger.info({ job: job.id, err: error }, "batch refused");
      await store.failJob(job.id, storedError(error), now());
    }
    if (uploaded) await rm(uploaded, { force: true });
  }
}
