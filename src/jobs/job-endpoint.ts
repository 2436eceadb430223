/**
 * The endpoint a task's pipeline talks to: the process's endpoint (whose slots are the one limit on
 * model calls in flight) behind a fair gate as wide as that budget, where jobs take turns, and behind the
 * model-response cache. Token counts of recent texts are remembered: the fixed part of the prompt is
 * counted for every document, and is the same for all of a job's documents.
 */

import { FairGate } from "../concurrency/fair-gate.js";
import type { LlmEndpoint } from "../endpoint/port.js";
import type { Metrics } from "../observability/metrics.js";
import { withResponseCache } from "../store/cached-endpoint.js";
import type { Store } from "../store/port.js";

const TOKEN_COUNTS_KEPT = 64;

/** A task's count of the model calls that reached the server. */
export interface TaskCalls {
  modelCalls: number;
}

export class JobEndpoints {
  private readonly gate = new FairGate(() => this.width);
  private width = 1;
  private readonly counts = new Map<string, Promise<number>>();

  constructor(
    private readonly endpoint: LlmEndpoint,
    private readonly store: Store,
    private readonly now: () => number,
    /** Called when the server answers a model call (it is up: see model-outage.ts). */
    private readonly answered: () => void,
    private readonly metrics?: Pick<Metrics, "cacheLookup">,
  ) {}

  info() {
    return this.endpoint.info();
  }

  forTask(jobId: string, calls: TaskCalls): LlmEndpoint {
    const gated: LlmEndpoint = {
      info: () => this.endpoint.info(),
      countTokens: (text) => this.countTokens(text),
      probe: (signal) => this.endpoint.probe(signal),
      generate: async (request) => {
        // As wide as the budget of calls in flight (every server's slots), which the endpoint keeps.
        this.width = (await this.endpoint.info()).maxConcurrentRequests;
        const result = await this.gate.run(jobId, () => this.endpoint.generate(request), request.signal);
        this.answered();
        return result;
      },
    };
    const counted = (from: "cache" | "server") => {
      if (from === "server") calls.modelCalls++;
      this.metrics?.cacheLookup(from === "cache");
    };
    return withResponseCache(gated, this.store, counted, this.now);
  }

  private countTokens(text: string): Promise<number> {
    let count = this.counts.get(text);
    if (count === undefined) {
      count = this.endpoint.countTokens(text);
      // A failure is not remembered: the next document asks again.
      count.catch(() => this.counts.delete(text));
      if (this.counts.size >= TOKEN_COUNTS_KEPT)
        this.counts.delete(this.counts.keys().next().value as string);
      this.counts.set(text, count);
    }
    return count;
  }
}
