/**
 * Poison pills. A document in progress when its process died (a crash, an out-of-memory kill, a kill
 * after it hung the event loop; not a SIGTERM, which puts it back untouched) is suspect: the death is
 * counted on it (the store's removeWorker), and it is tried again alone, nothing else in flight in its
 * process, so that a second death has no other culprit. At that second death it is failed with
 * DOCUMENT_CRASHED instead of taking the process down again JOB_ATTEMPTS times; the documents that
 * only happened to run beside it the first time are done as usual.
 */
import { PalimpsestError } from "../errors.js";
import type { TaskRecord } from "../store/port.js";

/** Deaths of the process while it read a document that make the document a poison pill. */
export const DEATHS_TO_FAIL = 2;

/** Died once with the process: run alone next time. */
export function isSuspect(task: TaskRecord): boolean {
  return task.crashes > 0 && task.crashes < DEATHS_TO_FAIL;
}

/** The failure of a document that died with its process DEATHS_TO_FAIL times; undefined otherwise. */
export function poisonPill(task: TaskRecord): PalimpsestError | undefined {
  if (task.crashes < DEATHS_TO_FAIL) return undefined;
  return new PalimpsestError(
    "DOCUMENT_CRASHED",
    `The process reading this document died ${task.crashes} times while it was at work on it, the last time with nothing else to do: it crashed, ran out of memory, or hung and was killed. It is not tried again; the service log around those deaths says more.`,
  );
}
