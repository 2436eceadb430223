/** The model slots shared through PostgreSQL: one budget for every process, whatever happens to them. */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { LocalSlots, type SlotLease } from "../../src/endpoint/slots.js";
import { modelSlots } from "../../src/services.js";
import type { PgDatabase } from "../../src/store/postgres/database.js";
import { PgSlots } from "../../src/store/postgres/model-slots.js";
import { dropTestSchemas, freshSchema, hasPostgres, openTestDatabase } from "../support/postgres.js";

const servers = [
  { id: "http://gpu1", capacity: 2 },
  { id: "http://gpu2", capacity: 3 },
];

describe.skipIf(!hasPostgres)("model slots in PostgreSQL", () => {
  const opened: { db: PgDatabase; slots: PgSlots }[] = [];
  afterEach(async () => {
    for (const { db, slots } of opened.splice(0)) {
      await slots.close();
      await db.close();
    }
  });
  afterAll(() => dropTestSchemas());

  /** Processes sharing one schema, each with its own pool and LISTEN connection. */
  const processes = async (count: number, leaseMs = 30_000) => {
    const schema = freshSchema();
    const result: PgSlots[] = [];
    for (let i = 0; i < count; i++) {
      const db = await openTestDatabase({ schema });
      const slots = new PgSlots(db, leaseMs);
      opened.push({ db, slots });
      result.push(slots);
    }
    return result;
  };

  it("never lets the processes together hold more than a server's capacity, and shares by free slots", async () => {
    const [a, b, c] = (await processes(3)) as [PgSlots, PgSlots, PgSlots];
    const held: SlotLease[] = [];
    for (const slots of [a, b, c, a, b]) held.push(await slots.acquire(servers));
    const byServer = (leases: SlotLease[]) => {
      const counts: Record<string, number> = {};
      for (const lease of leases) counts[lease.server] = (counts[lease.server] ?? 0) + 1;
      return counts;
    };
    expect(byServer(held)).toEqual({ "http://gpu1": 2, "http://gpu2": 3 });
    // Full: the next caller waits until a slot is given back, in whichever process.
    let sixth: SlotLease | undefined;
    const waiting = c.acquire(servers).then((lease) => {
      sixth = lease;
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sixth).toBeUndefined();
    await (held[0] as SlotLease).release();
    const lease = await waiting;
    expect(lease.server).toBe(held[0]?.server);
    expect(c.held().get(lease.server)).toBe(1 + (held[2]?.server === lease.server ? 1 : 0));
  });

  it("never holds one slot twice when processes race for them", async () => {
    const cluster = await processes(3);
    const one = [{ id: "http://gpu1", capacity: 3 }];
    let holding = 0;
    let most = 0;
    const calls = cluster.flatMap((slots) =>
      Array.from({ length: 20 }, async () => {
        const lease = await slots.acquire(one);
        holding++;
        most = Math.max(most, holding);
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
        holding--;
        await lease.release();
      }),
    );
    await Promise.all(calls);
    expect(most).toBe(3);
    expect(cluster.map((slots) => slots.held().get("http://gpu1"))).toEqual([0, 0, 0]);
  });

  it("is the budget of a store on PostgreSQL, but never of BLOOM embedded (each process's own model)", async () => {
    const db = await openTestDatabase();
    try {
      const shared = modelSlots(loadConfig({ BLOOM_ENDPOINT_URL: "http://gpu1:8080" }), db);
      expect(shared).toBeInstanceOf(PgSlots);
      await shared.close();
      expect(modelSlots(loadConfig({}), db)).toBeInstanceOf(LocalSlots);
      expect(modelSlots(loadConfig({ BLOOM_ENDPOINT_URL: "http://gpu1:8080" }), undefined)).toBeInstanceOf(
        LocalSlots,
      );
    } finally {
      await db.close();
    }
  });

  it("wakes a waiting process by notification, not by its poll", async () => {
    const [a, b] = (await processes(2)) as [PgSlots, PgSlots];
    const one = [{ id: "http://gpu1", capacity: 1 }];
    const lease = await a.acquire(one);
    const waiting = b.acquire(one);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const releasedAt = Date.now();
    await lease.release();
    await waiting;
    // The poll would take up to a second; the notification a few milliseconds.
    expect(Date.now() - releasedAt).toBeLessThan(500);
  });

  it("frees the slots of a process that stops renewing them (it died) once their lease runs out", async () => {
    const [dying, alive] = (await processes(2, 300)) as [PgSlots, PgSlots];
    const one = [{ id: "http://gpu1", capacity: 1 }];
    await dying.acquire(one);
    // As after kill -9: no more renewals, no release.
    (dying as unknown as { renewal: NodeJS.Timeout }).renewal.close();
    await expect(alive.acquire(one)).resolves.toMatchObject({ server: "http://gpu1" });
  });

  it("keeps a slot taken while its holder renews the lease", async () => {
    const [holder, other] = (await processes(2, 300)) as [PgSlots, PgSlots];
    const one = [{ id: "http://gpu1", capacity: 1 }];
    await holder.acquire(one);
    const controller = new AbortController();
    const waiting = other.acquire(one, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
  });
});
