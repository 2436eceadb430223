/**
 * Long synchronous work on one document (normalising or segmenting megabytes of text) is written as a
 * generator that yields between pieces. Run at once where nothing else waits (tests, the CLI's tools),
 * or taking turns with the event loop once per slice of time, so that the server keeps answering
 * meanwhile (/health, other clients, heartbeats); a document aborted meanwhile (its client gone, its
 * time up) stops at its next turn.
 */
import { setImmediate as nextTurn } from "node:timers/promises";

/** Work in pieces: yields between two pieces, returns its result. */
export type Work<T> = Generator<void, T, void>;

/** Longest stretch of work between two turns, in milliseconds. */
const SLICE_MS = 10;

export class Turns {
  private sliceStart = performance.now();

  constructor(private readonly signal?: AbortSignal) {}

  /** Runs `work` to its end, handing the event loop a turn whenever a slice of time is used up. */
  async finish<T>(work: Work<T>): Promise<T> {
    for (;;) {
      const step = work.next();
      if (step.done) return step.value;
      // A clock read per piece: awaiting at every piece would cost more than the pieces.
      if (this.due) await this.take();
    }
  }

  /** For async work with no pieces of its own: a turn now if the slice is used up. */
  async breathe(): Promise<void> {
    if (this.due) await this.take();
  }

  private get due(): boolean {
    return performance.now() - this.sliceStart >= SLICE_MS;
  }

  private async take(): Promise<void> {
    await nextTurn();
    this.signal?.throwIfAborted();
    this.sliceStart = performance.now();
  }
}

/** Runs `work` to its end at once. */
export function finishNow<T>(work: Work<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/** `each` of every item (of a lazy sequence, or an array), one piece of work per item. */
export function* mapInPieces<T, R>(items: Iterable<T>, each: (item: T) => R): Work<R[]> {
  const results: R[] = [];
  for (const item of items) {
    results.push(each(item));
    yield;
  }
  return results;
}
