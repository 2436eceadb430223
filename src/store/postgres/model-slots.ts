/**
 * The model-slot budget (endpoint/slots.ts) shared by every process on one PostgreSQL: the sum of calls in
 * flight from all of them to one model server stays within its capacity, wherever they run. A slot is a
 * row, taken with FOR UPDATE SKIP LOCKED (two processes never take one slot, and never wait for each
 * other), given back with a notification that wakes the processes waiting for one. A slot is leased, not
 * owned: its holder renews the lease while the call lasts, so the slots of a process that dies (kill -9,
 * a lost machine) come free when their lease runs out, without anyone having to notice the death.
 *
 * In each process the calls wait in line, first come first served, and only the head of the line asks
 * the database: a freed slot costs one query per waiting process, not one per waiting call.
 */
import { randomUUID } from "node:crypto";
import { countedLease, type ModelSlots, type SlotLease, type SlotServer } from "../../endpoint/slots.js";
import type { PgDatabase } from "./database.js";

/** The line looks again this often even without a notification (an expired lease sends none). */
const POLL_MS = 1_000;

interface Waiter {
  servers: readonly SlotServer[];
  grant(lease: SlotLease): void;
  fail(error: unknown): void;
}

export class PgSlots implements ModelSlots {
  /** This process's name on the slots it holds. */
  private readonly holder = randomUUID();
  private readonly channel: string;
  private readonly unlisten: () => void;
  /** Capacity whose rows are known to exist, by server. */
  private readonly ensured = new Map<string, number>();
  private readonly inUse = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  private pumping = false;
  private wakeUp: (() => void) | undefined;
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly db: PgDatabase,
    /** How long a slot stays taken without renewal: how soon a dead process's slots come free. */
    private readonly leaseMs: number,
  ) {
    this.channel = db.channel("model_slots");
    this.unlisten = db.listen(this.channel, () => this.wake());
    this.renewal = setInterval(() => void this.renew(), Math.max(100, Math.floor(leaseMs / 3)));
    this.renewal.unref();
  }

  acquire(servers: readonly SlotServer[], signal?: AbortSignal): Promise<SlotLease> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        // A caller that gives up while waiting leaves the line without taking a slot.
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
        this.wake();
      };
      const waiter: Waiter = {
        servers,
        grant: (lease) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(lease);
        },
        fail: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      this.waiting.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      void this.pump();
    });
  }

  held(): ReadonlyMap<string, number> {
    return this.inUse;
  }

  /** Stops renewing and listening; the calls in flight have ended by now (the job runner stopped first). */
  async close(): Promise<void> {
    clearInterval(this.renewal);
    this.unlisten();
  }

  /** Serves the line's head until the line is empty, waiting for a freed slot when there is none. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let head = this.waiting[0]; head !== undefined; head = this.waiting[0]) {
        // Armed before asking, so a slot freed while we ask wakes us at once.
        const woken = this.nextWake();
        let outcome: Awaited<ReturnType<PgSlots["take"]>>;
        try {
          await this.ensure(head.servers);
          outcome = await this.take(head.servers);
        } catch (error) {
          woken.cancel();
          this.waiting.splice(this.waiting.indexOf(head), 1);
          head.fail(error);
          continue;
        }
        if (outcome.taken) {
          woken.cancel();
          const lease = this.lease(outcome.taken.server, outcome.taken.slot);
          const index = this.waiting.indexOf(head);
          // Gone meanwhile (it gave up): the slot goes back at once.
          if (index < 0) await lease.release();
          else {
            this.waiting.splice(index, 1);
            head.grant(lease);
          }
        } else if (outcome.free > 0) {
          // Another process took the one we chose: others were free, try again at once.
          woken.cancel();
        } else {
          await woken.promise;
        }
      }
    } finally {
      this.pumping = false;
    }
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

  /**
   * Takes a free slot among `servers`, on the one with the most free. The slot must be free on the row
   * itself, not only in the statement's snapshot: the check is on the locked row, so that a slot another
   * process took meanwhile is never taken twice. `free`: how many looked free.
   */
  private async take(
    servers: readonly SlotServer[],
  ): Promise<{ taken?: { server: string; slot: number }; free: number }> {
    const [row] = await this.db.query<{ free: number; server: string | null; slot: number | null }>(
      `WITH budget AS (SELECT * FROM unnest($2::text[], $3::int[]) AS b (server, capacity)),
       free AS (
         SELECT s.server, s.slot FROM model_slots s JOIN budget b ON b.server = s.server AND s.slot < b.capacity
         WHERE s.holder IS NULL OR s.lease_until < clock_timestamp()
       ),
       chosen AS (
         SELECT s.server, s.slot FROM model_slots s
         WHERE (s.server, s.slot) IN (SELECT server, slot FROM free)
           AND (s.holder IS NULL OR s.lease_until < clock_timestamp())
         ORDER BY (SELECT count(*) FROM free f WHERE f.server = s.server) DESC, s.slot
         LIMIT 1 FOR UPDATE SKIP LOCKED
       ),
       taken AS (
         UPDATE model_slots m SET holder = $1, lease_until = clock_timestamp() + make_interval(secs => $4)
         FROM chosen WHERE m.server = chosen.server AND m.slot = chosen.slot
           AND (m.holder IS NULL OR m.lease_until < clock_timestamp())
         RETURNING m.server, m.slot
       )
       SELECT (SELECT count(*) FROM free) AS free, taken.server, taken.slot
       FROM (SELECT 1) AS one LEFT JOIN taken ON true`,
      [this.holder, servers.map((s) => s.id), servers.map((s) => s.capacity), this.leaseMs / 1000],
    );
    const free = Number(row?.free ?? 0);
    return row?.server != null && row.slot != null
      ? { taken: { server: row.server, slot: row.slot }, free }
      : { free };
  }

  private lease(server: string, slot: number): SlotLease {
    return countedLease(this.inUse, server, async () => {
      // Freed and announced in one statement: the notification goes out with the commit.
      await this.db.query(
        `WITH freed AS (
           UPDATE model_slots SET holder = NULL, lease_until = NULL
           WHERE server = $1 AND slot = $2 AND holder = $3 RETURNING 1
         ) SELECT pg_notify($4, '') FROM freed`,
        [server, slot, this.holder, this.channel],
      );
      // Our own line need not wait for the notification to come back.
      this.wake();
    });
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

  private nextWake(): { promise: Promise<void>; cancel(): void } {
    let done: () => void = () => {};
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), POLL_MS);
      done = () => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
    });
    this.wakeUp = done;
    return { promise, cancel: done };
  }

  private wake(): void {
    this.wakeUp?.();
  }
}
