/**
 * Crash recovery. Every process that works on jobs registers in the store and beats a heartbeat; the
 * tasks it runs carry its id. A process that finds another one dead hands that one's running tasks back
 * to the queue and releases its unpacking jobs: after `kill -9`, the next start picks up exactly what was
 * interrupted. On this machine a process is dead when its pid is gone (at once, no waiting); elsewhere,
 * when its heartbeat is stale by the store's clock (a database server's), so that machines whose clocks
 * disagree judge each other alike.
 */
import { hostname } from "node:os";
import type { Log } from "../logger.js";
import type { ListedWorker, Store, WorkerRecord } from "../store/port.js";

const HEARTBEAT_MS = 5_000;
/** A worker on another machine is presumed dead after this long without a heartbeat. */
const STALE_MS = 60_000;

export class Presence {
  readonly worker: Omit<WorkerRecord, "heartbeatAt">;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Log,
    private readonly onRecovered: () => void,
    private readonly now: () => number,
    id: string,
  ) {
    this.worker = { id, host: hostname(), pid: process.pid };
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((error: unknown) => this.logger.warn({ err: error }, "heartbeat failed"));
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Leaves the store; whatever this worker still holds goes back to the queue. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.store.removeWorker(this.worker.id, this.now());
  }

  private async beat(): Promise<void> {
    await this.store.heartbeat({ ...this.worker, heartbeatAt: this.now() });
    let recovered = 0;
    for (const other of await this.store.listWorkers(this.now())) {
      if (other.id === this.worker.id || !this.isDead(other)) continue;
      const requeued = await this.store.removeWorker(other.id, this.now());
      this.logger.warn({ worker: other, requeued }, "a worker died; its documents are queued again");
      recovered++;
    }
    if (recovered > 0) this.onRecovered();
  }

  private isDead(other: ListedWorker): boolean {
    if (other.host !== this.worker.host) return other.silentMs > STALE_MS;
    // Our own pid under another id: a previous process whose pid we were given.
    if (other.pid === this.worker.pid) return true;
    try {
      process.kill(other.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code !== "EPERM";
    }
  }
}
