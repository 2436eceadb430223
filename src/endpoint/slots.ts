/**
 * The budget of model calls in flight. Each model server takes so many calls at once (its
 * max_concurrent_requests, capped by MODEL_CONCURRENCY); past that, TGI answers 429. A call first takes a
 * slot on one of the servers of its model (the one with the most free), and gives it back when done.
 * In one process the slots are counted here (LocalSlots); processes sharing a PostgreSQL store count
 * them in the database (store/postgres/model-slots.ts), so the whole cluster keeps to one budget.
 */

/** A model server's share of the budget: its address (the id) and the calls it takes at once. */
export interface SlotServer {
  id: string;
  capacity: number;
}

export interface SlotLease {
  /** The server the slot is on: the call must go there. */
  server: string;
  release(): Promise<void>;
}

export interface ModelSlots {
  /** Waits until one of `servers` has a free slot and takes it (on the server with the most free). */
  acquire(servers: readonly SlotServer[], signal?: AbortSignal): Promise<SlotLease>;
  /** Slots this process holds now, by server (metrics). */
  held(): ReadonlyMap<string, number>;
  close(): Promise<void>;
}

interface Waiter {
  servers: readonly SlotServer[];
  grant(server: string): void;
}

/** Slots counted in this process: first come, first served. */
export class LocalSlots implements ModelSlots {
  private readonly active = new Map<string, number>();
  private readonly waiting: Waiter[] = [];

  acquire(servers: readonly SlotServer[], signal?: AbortSignal): Promise<SlotLease> {
    signal?.throwIfAborted();
    const free = this.waiting.length === 0 ? this.freest(servers) : undefined;
    if (free !== undefined) return Promise.resolve(this.take(free));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        servers,
        grant: (server) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(this.take(server));
        },
      };
      const onAbort = () => {
        // A caller that gives up while waiting leaves the line without taking a slot.
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal?.reason);
      };
      this.waiting.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  held(): ReadonlyMap<string, number> {
    return this.active;
  }

  async close(): Promise<void> {}

  /** The server with the most free slots, if any has one. */
  private freest(servers: readonly SlotServer[]): string | undefined {
    let best: { id: string; free: number } | undefined;
    for (const { id, capacity } of servers) {
      const free = capacity - (this.active.get(id) ?? 0);
      if (free > 0 && (best === undefined || free > best.free)) best = { id, free };
    }
    return best?.id;
  }

  private take(server: string): SlotLease {
    return countedLease(this.active, server, async () => this.serveWaiting());
  }

  /** In arrival order, every waiter whose servers now have room. */
  private serveWaiting(): void {
    for (let index = 0; index < this.waiting.length; ) {
      const waiter = this.waiting[index] as Waiter;
      const server = this.freest(waiter.servers);
      if (server === undefined) {
        index++;
        continue;
      }
      this.waiting.splice(index, 1);
      waiter.grant(server);
    }
  }
}

/**
 * A lease on `server`, counted in `held` (by server) while it lasts; its first release uncounts it and
 * gives the slot back (`giveBack`), later ones do nothing.
 */
export function countedLease(
  held: Map<string, number>,
  server: string,
  giveBack: () => Promise<void>,
): SlotLease {
  held.set(server, (held.get(server) ?? 0) + 1);
  let released = false;
  return {
    server,
    release: async () => {
      if (released) return;
      released = true;
      held.set(server, (held.get(server) ?? 1) - 1);
      await giveBack();
    },
  };
}
