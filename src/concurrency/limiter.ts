/**
 * At most `limit` tasks at once, first come first served: the fair gate (fair-gate.ts) with every
 * caller in one line. For work that has no owners to take turns (page renders, OCR workers, parsing).
 */
import { FairGate } from "./fair-gate.js";

/** The one line every caller of a Limiter waits in. */
const ONE_LINE = "";

export class Limiter {
  private readonly gate: FairGate;

  constructor(readonly limit: number) {
    this.gate = new FairGate(() => limit);
  }

  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.gate.run(ONE_LINE, task, signal);
  }
}
