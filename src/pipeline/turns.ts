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
      if (performance.now() - this.sliceStart < SLICE_MS) continue;
      await nextTurn();
      this.signal?.throwIfAborted();
      this.sliceStart = performance.now();
    }
  }
}

/** Runs `work` to its end at once. */
export function finishNow<T>(work: Work<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/** The items of a lazy sequence, one piece of work each. */
export function* collect<T>(items: Iterable<T>): Work<T[]> {
  const all: T[] = [];
  for (const item of items) {
    all.push(item);
    yield;
  }
  return all;
}
