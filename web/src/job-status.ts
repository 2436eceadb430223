/** How a job's state reads on the pages, shared by the jobs table and the job page. */
import { actionButton } from "./action-button.js";
import { cancelJob, deleteJob, FINISHED, type JobView } from "./api.js";
import { currentLocale, formatTime, type MessageKey, t } from "./i18n/index.js";

const STATES: Record<JobView["state"], MessageKey> = {
  unpacking: "job.state.unpacking",
  running: "job.state.running",
  done: "job.state.done",
  failed: "job.state.failed",
  cancelled: "job.state.cancelled",
};

const KINDS: Record<JobView["kind"], MessageKey> = {
  document: "job.kind.document",
  batch: "job.kind.batch",
  cli: "job.kind.cli",
};

export const jobKind = (job: JobView) => t(KINDS[job.kind]);

export function jobLabel(job: JobView): string {
  return job.name ?? (job.kind === "document" ? jobKind(job) : `${jobKind(job)} ${job.id.slice(0, 8)}`);
}

export function describeJob(job: JobView): string {
  const { done, failed, cancelled, total } = job.progress.documents;
  const parts: string[] = [t(STATES[job.state])];
  if (job.kind !== "document")
    parts.push(t("job.documentsOf", { done: done + failed + cancelled, count: total }));
  if (failed) parts.push(t("job.failedCount", { count: failed }));
  if (job.progress.skipped) parts.push(t("job.skippedCount", { count: job.progress.skipped }));
  const waiting = job.progress.waitingForModelSince;
  if (waiting) parts.push(t("job.waiting", { since: formatTime(waiting) }));
  else if (!FINISHED.has(job.state) && job.progress.etaSeconds)
    parts.push(t("job.eta", { left: formatSeconds(job.progress.etaSeconds) }));
  if (job.error?.message) parts.push(job.error.message);
  return parts.join(" · ");
}

/** Share of the job's documents that are over (1 once the job is). */
export function jobFraction(job: JobView): number {
  if (FINISHED.has(job.state)) return 1;
  const { done, failed, cancelled, total } = job.progress.documents;
  return total ? (done + failed + cancelled) / total : 0;
}

function formatSeconds(seconds: number): string {
  const unit = (value: number, unit: "second" | "minute" | "hour", digits = 0) =>
    new Intl.NumberFormat(currentLocale(), { style: "unit", unit, maximumFractionDigits: digits }).format(
      value,
    );
  if (seconds < 90) return unit(Math.ceil(seconds), "second");
  if (seconds < 5400) return unit(Math.round(seconds / 60), "minute");
  return unit(seconds / 3600, "hour", 1);
}

/** A Cancel button for a job still running; `onCancelled` gets the job as the API answers it then. */
export function cancelButton(
  job: JobView,
  onCancelled: (job: JobView) => void,
  onError: (error: Error) => void,
) {
  return actionButton({
    text: t("job.cancel"),
    label: t("job.cancelLabel", { name: jobLabel(job) }),
    run: () => cancelJob(job.id),
    onDone: onCancelled,
    onError,
  });
}

/** A Delete button for a finished job: the job goes, its documents and their results stay. */
export function deleteJobButton(job: JobView, onDeleted: () => void, onError: (error: Error) => void) {
  return actionButton({
    text: t("job.delete"),
    label: t("job.deleteLabel", { name: jobLabel(job) }),
    confirm: t("job.deleteConfirm", { name: jobLabel(job) }),
    run: () => deleteJob(job.id),
    onDone: onDeleted,
    onError,
  });
}
