/**
 * Fair share of the model between jobs. The endpoint's limiter (endpoint/limiter.ts) is first come,
 * first served: a document of 400 chunks queues 400 calls at once, and a single upload arriving after it
 * would wait for all of them. This gate lets at most the limiter's own number of job calls through at a
 * time and, whenever one finishes, lets in the next call of the NEXT job in turn (round-robin), so the
 * limiter's queue never holds a backlog and every job gets its turn. The limiter stays the one hard limit.
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
