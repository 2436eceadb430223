/** How a job's state reads on the pages, shared by the jobs table and the job page. */
import { actionButton } from "./action-button.js";
import { cancelJob, deleteJob, FINISHED, type JobView } from "./api.js";

export function jobLabel(job: JobView): string {
  return job.name ?? (job.kind === "document" ? "document" : `${job.kind} ${job.id.slice(0, 8)}`);
}

export function describeJob(job: JobView): string {
  const { done, failed, cancelled, total } = job.progress.documents;
  const parts: string[] = [job.state];
  if (job.kind !== "document") parts.push(`${done + failed + cancelled} of ${total} documents`);
  if (failed) parts.push(`${failed} failed`);
  if (job.progress.skipped) parts.push(`${job.progress.skipped} skipped`);
  const waiting = job.progress.waitingForModelSince;
  if (waiting)
    parts.push(`waiting for the model server, down since ${new Date(waiting).toLocaleTimeString()}`);
  else if (!FINISHED.has(job.state) && job.progress.etaSeconds)
    parts.push(`about ${formatSeconds(job.progress.etaSeconds)} left`);
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
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** A Cancel button for a job still running; `onCancelled` gets the job as the API answers it then. */
export function cancelButton(
  job: JobView,
  onCancelled: (job: JobView) => void,
  onError: (error: Error) => void,
) {
  return actionButton({
    text: "Cancel",
    label: `Cancel ${jobLabel(job)}`,
    run: () => cancelJob(job.id),
    onDone: onCancelled,
    onError,
  });
}

/** A Delete button for a finished job: the job goes, its documents and their results stay. */
export function deleteJobButton(job: JobView, onDeleted: () => void, onError: (error: Error) => void) {
  return actionButton({
    text: "Delete",
    label: `Delete the job ${jobLabel(job)}`,
    confirm: `Delete the job ${jobLabel(job)}? Its documents and their results stay (under Documents).`,
    run: () => deleteJob(job.id),
    onDone: onDeleted,
    onError,
  });
}
