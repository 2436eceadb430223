/**
 * New jobs: a single document (POST /v1/documents, large POST /v1/extract), an uploaded archive
 * (POST /v1/batches), and the CLI's batch, which finds its earlier job again to resume it.
 */
import { randomUUID } from "node:crypto";
import { DEFAULT_TENANT } from "../auth/roles.js";
import type { BlobStore } from "../store/blobs.js";
import type { JobRecord, JobSpec, Store } from "../store/port.js";

/** Whose job it is: its tenant, and the API key that asked for it (absent in open mode). */
export interface JobOwner {
  tenant: string;
  createdBy?: string;
}

import type { JobRunner } from "./runner.js";

export interface SubmitDeps {
  store: Store;
  blobs: BlobStore;
  jobs: JobRunner;
  now?: () => number;
}

/** A job of one document, queued at once (document and task stored in one transaction with the job). */
export async function submitDocument(
  deps: SubmitDeps,
  input: {
    /** The document's bytes, streamed into the blob store. */
    content: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
    filename?: string;
    spec: JobSpec;
    owner: JobOwner;
    /** The X-Request-Id of the request that asks for it, carried into the job's logs and model calls. */
    requestId?: string;
  },
): Promise<JobRecord> {
  const now = deps.now ?? Date.now;
  const blob = await deps.blobs.write(input.content, { maxBytes: Number.POSITIVE_INFINITY });
  await deps.store.putDocument({ id: blob.id, byteLength: blob.size, createdAt: now() });
  const job: JobRecord = {
    id: randomUUID(),
    ...input.owner,
    ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
    kind: "document",
    state: "running",
    spec: input.spec,
    createdAt: now(),
  };
  await deps.store.createJob(job, [{ path: input.filename ?? "document", documentId: blob.id }]);
  await deps.jobs.start();
  deps.jobs.wake();
  return job;
}

/**
 * A job over an archive already on disk (it is deleted once unpacked), named by the uploaded file's
 * name when there was one; unpacking runs in the background.
 */
export function submitArchive(
  deps: SubmitDeps,
  input: { archive: string; filename?: string; spec: JobSpec; owner: JobOwner; requestId?: string },
): Promise<JobRecord> {
  const { archive, filename, ...rest } = input;
  return submitBatch(deps, {
    ...rest,
    source: { kind: "archive", path: archive, ...(filename ? { name: filename } : {}) },
  });
}

/** A batch job over any source (an archive, a IIIF manifest's URL): its entries are read in the background. */
export async function submitBatch(
  deps: SubmitDeps,
  input: { source: NonNullable<JobSpec["source"]>; spec: JobSpec; owner: JobOwner; requestId?: string },
): Promise<JobRecord> {
  const now = deps.now ?? Date.now;
  const job: JobRecord = {
    id: randomUUID(),
    ...input.owner,
    ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
    kind: "batch",
    state: "unpacking",
    spec: { ...input.spec, source: input.source },
    createdAt: now(),
  };
  await deps.store.createJob(job);
  await deps.jobs.start();
  void deps.jobs.unpack(job.id);
  return job;
}

/**
 * The archive an upload saved under DATA_DIR for this job, while it may still be there (it is deleted
 * once read); never a CLI job's source, which is the user's own file.
 */
export function uploadedArchive(job: JobRecord): string | undefined {
  return job.kind === "batch" && job.spec.source?.kind === "archive" ? job.spec.source.path : undefined;
}

/** The CLI's job for this resume key: the earlier one (not cancelled) when there is one. */
export async function cliJob(
  store: Store,
  key: string,
  spec: JobSpec,
  now = Date.now(),
): Promise<{ job: JobRecord; resumed: boolean }> {
  const earlier = await store.findJobByKey(key);
  if (earlier) return { job: earlier, resumed: true };
  // The CLI works for whoever runs it on this machine: the default tenant.
  const job: JobRecord = {
    id: randomUUID(),
    tenant: DEFAULT_TENANT,
    kind: "cli",
    state: "unpacking",
    spec,
    key,
    createdAt: now,
  };
  await store.createJob(job);
  return { job, resumed: false };
}
