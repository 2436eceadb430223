/**
 * Keeps the model calls in flight to one endpoint under a limit, first come first served. TGI answers 429
 * as soon as more than max_concurrent_requests arrive, so we queue here rather than there.
 */
import type { LlmEndpoint } from "./port.js";

export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        // A caller that gives up while queued leaves the queue without taking a slot.
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(signal?.reason);
      };
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.waiting.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next caller, so `active` stays as it is.
    if (next) next();
    else this.active--;
  }
}

/** The limit on model calls in flight: MODEL_CONCURRENCY, capped by the server's max_concurrent_requests. */
export function concurrencyLimit(configured: number, maxConcurrentRequests: number): number {
  return Math.max(1, Math.min(configured, maxConcurrentRequests));
}

/**
 * Limits generate() to min(MODEL_CONCURRENCY, the server's max_concurrent_requests). The limit needs info(),
 * so it is set on the first call. A call holds its slot through its retries: backing off while holding it
 * is what keeps an overloaded server from more load.
 */
export function withConcurrencyLimit(endpoint: LlmEndpoint, configured: number): LlmEndpoint {
  let limiter: Limiter | undefined;
  return {
    info: () => endpoint.info(),
    countTokens: (text) => endpoint.countTokens(text),
    // Not a model call: a readiness probe never waits for a slot, and takes none.
    probe: (signal) => endpoint.probe(signal),
    async generate(request) {
      const { maxConcurrentRequests } = await endpoint.info();
      limiter ??= new Limiter(concurrencyLimit(configured, maxConcurrentRequests));
      return limiter.run(() => endpoint.generate(request), request.signal);
    },
  };
}
