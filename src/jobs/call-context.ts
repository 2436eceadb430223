/**
 * Which job a model call is made for, and what the task's calls cost, carried through the pipeline
 * with AsyncLocalStorage: the pipeline's code stays unaware of jobs.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface CallContext {
  jobId: string;
  /** Calls that reached the model server. */
  modelCalls: number;
  /** Calls answered from the model-response cache. */
  cacheHits: number;
}

export const callContext = new AsyncLocalStorage<CallContext>();
