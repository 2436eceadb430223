/**
 * At most `capacity()` tasks at once, shared fairly between keys (jobs, clients): whenever one finishes,
 * the next task of the NEXT key in turn starts (round-robin). A document of 400 chunks queues 400 model
 * calls at once; a single upload arriving after it would otherwise wait for all of them. Callers that
 * all use one key wait first come, first served (limiter.ts).
 */

export class FairGate {
  private active = 0;
  private readonly waiting = new Map<string, Array<() => void>>();
  /** Job keys in turn order; the head is served next. */
  private readonly turns: string[] = [];

  constructor(private readonly capacity: () => number) {}

  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(key, signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(key: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.capacity() && this.turns.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.forget(key, grant);
        reject(signal?.reason);
      };
      let queue = this.waiting.get(key);
      if (!queue) {
        queue = [];
        this.waiting.set(key, queue);
        this.turns.push(key);
      }
      queue.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private release(): void {
    const key = this.turns.shift();
    if (key === undefined) {
      this.active--;
      return;
    }
    const queue = this.waiting.get(key) as Array<() => void>;
    const next = queue.shift() as () => void;
    // The job goes to the back of the line if it has more calls waiting.
    if (queue.length > 0) this.turns.push(key);
    else this.waiting.delete(key);
    // The slot passes straight to the next caller, so `active` stays as it is.
    next();
  }

  private forget(key: string, grant: () => void): void {
    const queue = this.waiting.get(key);
    if (!queue) return;
    queue.splice(queue.indexOf(grant), 1);
    if (queue.length > 0) return;
    this.waiting.delete(key);
    this.turns.splice(this.turns.indexOf(key), 1);
  }
}
