/**
 * A download that receives nothing for a while is stopped: a stalled connection (a proxy that holds it,
 * a server that stopped sending) is not ended by any TCP timeout soon enough to matter.
 */
export interface IdleTimer {
  /** Aborted once `ms` pass without a call to `reset`. */
  signal: AbortSignal;
  reset(): void;
  stop(): void;
}

export function idleTimer(ms: number): IdleTimer {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const reset = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${ms} ms`)), ms);
  };
  reset();
  return { signal: controller.signal, reset, stop: () => clearTimeout(timer) };
}
