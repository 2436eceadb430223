/**
 * How the API shows a job (its state, progress and where to follow it) and each of its documents; and
 * the spec a request makes.
 */
import { PalimpsestError } from "../errors.js";
import { jobProgress } from "../jobs/progress.js";
import { requestAlignment } from "../pipeline/ground/policy.js";
import type { Profile } from "../profiles/profile.js";
import { progressView } from "../review/progress.js";
import type { Job, JobDocument } from "../schemas/job.js";
import type { Services } from "../services.js";
import type { JobRecord, JobSpec, ReviewSummary, Store, TaskRecord } from "../store/port.js";
import { entitiesLink } from "./document-view.js";
import { recordLink } from "./review-view.js";
import type { UploadOptions } from "./upload.js";

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export async function jobView(
  services: Pick<Services, "store" | "jobs">,
  job: JobRecord,
  now = Date.now(),
): Promise<Job> {
  const { store } = services;
  // Only this process's runner is known to be waiting; a job running elsewhere shows nothing.
  const waiting = job.state === "running" ? services.jobs.waitingForModelSince : undefined;
  const base = `/v1/jobs/${job.id}`;
  const [task] = job.kind === "document" ? await store.listTasks(job.id, { limit: 1 }) : [];
  // A document job's task path is its upload's file name ("document" when it had none); a batch keeps
  // its archive's in the spec.
  const name = task?.path ?? job.spec.source?.name;
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    ...(name === undefined ? {} : { name }),
    profile: job.spec.profile,
    ...(job.spec.language ? { language: job.spec.language } : {}),
    createdAt: new Date(job.createdAt).toISOString(),
    // The X-Request-Id of the request that created it: its work's log lines and model calls carry it.
    ...(job.requestId === undefined ? {} : { requestId: job.requestId }),
    ...(job.finishedAt === undefined ? {} : { finishedAt: iso(job.finishedAt) }),
    ...(job.error ? { error: job.error } : {}),
    ...(task ? { document: task.documentId } : {}),
    progress: {
      ...(await jobProgress(store, job.id, now)),
      ...(waiting === undefined ? {} : { waitingForModelSince: iso(waiting) }),
    },
    links: {
      self: base,
      documents: `${base}/documents`,
      events: `${base}/events`,
      results: `${base}/results`,
      cancel: `${base}/cancel`,
      ...(job.kind === "batch" ? { batch: `/v1/batches/${job.id}` } : {}),
      ...(task ? { entities: entitiesLink(task.documentId, job.spec.profile) } : {}),
    },
  };
}

/** One document of a job, as GET /v1/jobs/:id/documents lists it (undefined figures are left out of the JSON). */
export function jobDocumentView(task: TaskRecord, profile: string, review?: ReviewSummary): JobDocument {
  return {
    task: task.id,
    path: task.path,
    document: task.documentId,
    state: task.state,
    attempts: task.attempts,
    error: task.error,
    pages: task.pages,
    chunks: task.chunks,
    modelCalls: task.modelCalls,
    reused: task.reused,
    startedAt: iso(task.startedAt),
    finishedAt: iso(task.finishedAt),
    ...(review ? { review: progressView(review.counts, review.state) } : {}),
    links: {
      entities: entitiesLink(task.documentId, profile),
      document: `/v1/documents/${task.documentId}`,
      ...(task.state === "done" ? { record: recordLink(task.documentId, profile) } : {}),
    },
  };
}

/** The tenant's job; another tenant's is NOT_FOUND too, so that its existence is not told. */
export async function findJob(store: Store, id: string, tenant: string): Promise<JobRecord> {
  const job = await store.getJob(id);
  if (!job || job.tenant !== tenant) throw new PalimpsestError("NOT_FOUND", `There is no job ${id}.`);
  return job;
}

/** What a request asks of a job, in the form the job keeps (so a restarted process can carry on). */
export function jobSpec(profile: Profile, options: UploadOptions): JobSpec {
  const alignment = requestAlignment(options);
  return {
    profile: profile.name,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    ...(options.language ? { language: options.language } : {}),
    ...(options.script ? { script: options.script } : {}),
    ...(options.ocr ? { ocrModels: options.ocr.split("+") } : {}),
    ...(Object.keys(alignment).length > 0 ? { alignment } : {}),
  };
}
