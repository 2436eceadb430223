/**
 * The model-slot budget (endpoint/slots.ts) shared by every process on one PostgreSQL: the sum of calls in
 * flight from all of them to one model server stays within its capacity, wherever they run. A slot is a
 * row, taken with FOR UPDATE SKIP LOCKED (two processes never take one slot, and never wait for each
 * other), given back with a notification that wakes the processes waiting for one. A slot is leased, not
 * owned: its holder renews the lease while the call lasts, so the slots of a process that dies (kill -9,
 * a lost machine) come free when their lease runs out, without anyone having to notice the death.
 */
import { randomUUID } from "node:crypto";
import type { ModelSlots, SlotLease, SlotServer } from "../../endpoint/slots.js";
import type { PgDatabase } from "./database.js";

/** A waiting call looks again this often even without a notification (an expired lease sends none). */
const POLL_MS = 1_000;

export class PgSlots implements ModelSlots {
  /** This process's name on the slots it holds. */
  private readonly holder = randomUUID();
  private readonly channel: string;
  private readonly unlisten: () => void;
  /** Capacity whose rows are known to exist, by server. */
  private readonly ensured = new Map<string, number>();
  private readonly inUse = new Map<string, number>();
  private readonly wakers = new Set<() => void>();
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly db: PgDatabase,
    /** How long a slot stays taken without renewal: how soon a dead process's slots come free. */
    private readonly leaseMs: number,
  ) {
    this.channel = db.channel("model_slots");
    this.unlisten = db.listen(this.channel, () => this.wakeAll());
    this.renewal = setInterval(() => void this.renew(), Math.max(100, Math.floor(leaseMs / 3)));
    this.renewal.unref();
  }

  async acquire(servers: readonly SlotServer[], signal?: AbortSignal): Promise<SlotLease> {
    signal?.throwIfAborted();
    await this.ensure(servers);
    for (;;) {
      // Armed before looking, so a slot freed while we look wakes us at once.
      const woken = this.nextWake(signal);
      const taken = await this.take(servers);
      if (taken) {
        woken.cancel();
        return this.lease(taken.server, taken.slot);
      }
      await woken.promise;
      signal?.throwIfAborted();
    }
  }

  held(): ReadonlyMap<string, number> {
    return this.inUse;
  }

  /** Stops renewing and listening; the calls in flight have ended by now (the job runner stopped first). */
  async close(): Promise<void> {
    clearInterval(this.renewal);
    this.unlisten();
    this.wakeAll();
  }

  /** Rows for each server's slots; a process told a smaller capacity simply uses the first ones. */
  private async ensure(servers: readonly SlotServer[]): Promise<void> {
    for (const { id, capacity } of servers) {
      if ((this.ensured.get(id) ?? 0) >= capacity) continue;
      await this.db.query(
        `INSERT INTO model_slots (server, slot) SELECT $1, slot FROM generate_series(0, $2 - 1) AS slot
         ON CONFLICT DO NOTHING`,
        [id, capacity],
      );
      this.ensured.set(id, capacity);
    }
  }

  /** A free slot among `servers`, on the one with the most free, taken for this process. */
  private async take(servers: readonly SlotServer[]): Promise<{ server: string; slot: number } | undefined> {
    const [row] = await this.db.query<{ server: string; slot: number }>(
      `WITH budget AS (SELECT * FROM unnest($2::text[], $3::int[]) AS b (server, capacity)),
       free AS (
         SELECT s.server, s.slot FROM model_slots s JOIN budget b ON b.server = s.server AND s.slot < b.capacity
         WHERE s.holder IS NULL OR s.lease_until < clock_timestamp()
       ),
       chosen AS (
         SELECT s.server, s.slot FROM model_slots s
         WHERE (s.server, s.slot) IN (SELECT server, slot FROM free)
         ORDER BY (SELECT count(*) FROM free f WHERE f.server = s.server) DESC, s.slot
         LIMIT 1 FOR UPDATE SKIP LOCKED
       )
       UPDATE model_slots m SET holder = $1, lease_until = clock_timestamp() + make_interval(secs => $4)
       FROM chosen WHERE m.server = chosen.server AND m.slot = chosen.slot
       RETURNING m.server, m.slot`,
      [this.holder, servers.map((s) => s.id), servers.map((s) => s.capacity), this.leaseMs / 1000],
    );
    return row;
  }

  private lease(server: string, slot: number): SlotLease {
    this.inUse.set(server, (this.inUse.get(server) ?? 0) + 1);
    let released = false;
    return {
      server,
      release: async () => {
        if (released) return;
        released = true;
        this.inUse.set(server, (this.inUse.get(server) ?? 1) - 1);
        // Freed and announced in one statement: the notification goes out with the commit.
        await this.db.query(
          `WITH freed AS (
             UPDATE model_slots SET holder = NULL, lease_until = NULL
             WHERE server = $1 AND slot = $2 AND holder = $3 RETURNING 1
           ) SELECT pg_notify($4, '') FROM freed`,
          [server, slot, this.holder, this.channel],
        );
      },
    };
  }

  /** Keeps the leases of the calls in flight. */
  private async renew(): Promise<void> {
    if (![...this.inUse.values()].some((count) => count > 0)) return;
    await this.db
      .query(
        "UPDATE model_slots SET lease_until = clock_timestamp() + make_interval(secs => $2) WHERE holder = $1",
        [this.holder, this.leaseMs / 1000],
      )
      // A lost database is waited out by the database module; a failed renewal is tried at the next tick.
      .catch(() => undefined);
  }

  private nextWake(signal?: AbortSignal): { promise: Promise<void>; cancel(): void } {
    let wake: () => void = () => {};
    const promise = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const timer = setTimeout(() => done(), POLL_MS);
    const done = () => {
      clearTimeout(timer);
      this.wakers.delete(done);
      signal?.removeEventListener("abort", done);
      wake();
    };
    this.wakers.add(done);
    signal?.addEventListener("abort", done, { once: true });
    return { promise, cancel: done };
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
