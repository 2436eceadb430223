/** The PostgreSQL adapter: the store contract, and what only a server shared by many processes can show. */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { Log } from "../../src/logger.js";
import type { NewJob, StoreChange } from "../../src/store/port.js";
import { PgDatabase } from "../../src/store/postgres/database.js";
import { listTasksStatement } from "../../src/store/postgres/listings.js";
import { MIGRATIONS } from "../../src/store/postgres/migrations.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import {
  adminQuery,
  dropTestSchemas,
  freshSchema,
  hasPostgres,
  openTestStore,
  POSTGRES_URL,
  startPostgresProxy,
} from "../support/postgres.js";
import { storeContract } from "./store-contract.js";

afterAll(dropTestSchemas);

const T0 = 1_000_000;

const job = (id: string, overrides: Partial<NewJob> = {}): NewJob => ({
  id,
  kind: "batch",
  state: "running",
  spec: { profile: "default" },
  createdAt: T0,
  ...overrides,
});

const result = (fingerprint = "f") => ({
  fingerprint,
  profile: "default",
  extraction: "{}",
  name: "a.txt",
  mediaType: "text/plain",
  pages: 1,
  chunks: 1,
  mentions: 0,
  rejected: 0,
  modelCalls: 1,
});

/** A second store on the same schema, as another process would open it (its own pool and LISTEN). */
const openSibling = (schema: string, applicationName?: string) =>
  PostgresStore.open(POSTGRES_URL, { schema, ...(applicationName ? { applicationName } : {}) });

const schemaOf = async (store: PostgresStore) => {
  // The store's search_path is its schema: a statement through it tells which one.
  const [row] = await (store as unknown as { db: PgDatabase }).db.query<{ schema: string }>(
    "SELECT current_schema() AS schema",
  );
  return row?.schema as string;
};

async function eventually(assertion: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** A logger that keeps what it is told. */
function recordingLogger(): { logger: Log; lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push({ level, message: String(args.find((arg) => typeof arg === "string") ?? "") });
    };
  const logger = {
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
  return { logger: logger as unknown as Log, lines };
}

/** Ends every connection of the application named so, as an administrator (or a server restart) would. */
const terminate = (applicationName: string) =>
  adminQuery<{ ended: boolean }>(
    "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1",
    [applicationName],
  );

describe.skipIf(!hasPostgres)("PostgreSQL", () => {
  storeContract("PostgreSQL", () => openTestStore());

  describe("PostgreSQL store shared by several processes", () => {
    it("never hands one task to two claimers of two processes claiming at once", async () => {
      const first = await openTestStore();
      const second = await openSibling(await schemaOf(first));
      try {
        await first.putDocument({ id: "d", byteLength: 1, createdAt: T0 });
        const tasks = Array.from({ length: 200 }, (_, i) => ({ path: `p${i}`, documentId: "d" }));
        await first.createJob(job("j"), tasks);
        const claimer = async (store: PostgresStore, owner: string) => {
          const claimed: number[] = [];
          for (;;) {
            const task = await store.claimTask("j", owner, T0);
            if (!task) return claimed;
            claimed.push(task.id);
          }
        };
        const claims = await Promise.all([
          claimer(first, "a1"),
          claimer(first, "a2"),
          claimer(second, "b1"),
          claimer(second, "b2"),
        ]);
        const all = claims.flat();
        expect(all).toHaveLength(200);
        expect(new Set(all).size).toBe(200);
        // Each claimer got some: they did not wait for each other in turn.
        expect(claims.filter((claimed) => claimed.length > 0).length).toBeGreaterThan(1);
        const running = await second.listTasks("j", { limit: 300, state: "running" });
        expect(running.every((task) => task.attempts === 1)).toBe(true);
      } finally {
        await second.close();
        await first.close();
      }
    });

    it("tells a change committed by one process to the watchers of another, and not to another schema", async () => {
      const first = await openTestStore();
      const second = await openSibling(await schemaOf(first));
      const elsewhere = await openTestStore();
      try {
        const heard: StoreChange[] = [];
        const heardElsewhere: StoreChange[] = [];
        second.watch((change) => heard.push(change));
        elsewhere.watch((change) => heardElsewhere.push(change));
        await first.putDocument({ id: "d", byteLength: 1, createdAt: T0 });
        await first.createJob(job("j"), [{ path: "a", documentId: "d" }]);
        await eventually(() =>
          expect(heard).toEqual(expect.arrayContaining([{ kind: "job", jobId: "j" }, { kind: "work" }])),
        );
        // The other schema's own change arrives; the first schema's never did.
        await elsewhere.createJob(job("mine"));
        await eventually(() => expect(heardElsewhere).toContainEqual({ kind: "job", jobId: "mine" }));
        expect(heardElsewhere).not.toContainEqual({ kind: "job", jobId: "j" });
      } finally {
        await Promise.all([first.close(), second.close(), elsewhere.close()]);
      }
    });

    it("stores the same upload from two API processes at once as one document and one job each", async () => {
      const first = await openTestStore();
      const second = await openSibling(await schemaOf(first));
      try {
        const upload = async (store: PostgresStore, jobId: string) => {
          await store.putDocument({ id: "same", byteLength: 5, createdAt: T0 });
          await store.createJob(job(jobId, { kind: "document" }), [
            { path: "lettre.txt", documentId: "same" },
          ]);
        };
        await Promise.all([
          upload(first, "j1"),
          upload(second, "j2"),
          upload(first, "j3"),
          upload(second, "j4"),
        ]);
        const [documents] = await (first as unknown as { db: PgDatabase }).db.query<{ n: number }>(
          "SELECT count(*) AS n FROM documents",
        );
        expect(documents?.n).toBe(1);
        for (const id of ["j1", "j2", "j3", "j4"])
          expect((await second.listTasks(id, { limit: 10 })).map((t) => t.documentId)).toEqual(["same"]);
        expect(await first.getDocument("same", "default")).toMatchObject({ id: "same", byteLength: 5 });
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });

    it("measures silence by the database's clock, whatever the clock of the worker's machine says", async () => {
      const store = await openTestStore();
      try {
        const hourBehind = Date.now() - 3_600_000;
        await store.heartbeat({ id: "slow-clock", host: "h", pid: 1, heartbeatAt: hourBehind });
        const [worker] = await store.listWorkers(Date.now());
        expect(worker).toMatchObject({ id: "slow-clock", heartbeatAt: hourBehind });
        expect(worker?.silentMs).toBeLessThan(5_000);
      } finally {
        await store.close();
      }
    });
  });

  describe("PostgreSQL schema", () => {
    it("brings a schema of an older version up to date, keeping what it holds", async () => {
      const schema = freshSchema();
      const old = new PostgresStore(
        await PgDatabase.open(POSTGRES_URL, { schema, migrations: MIGRATIONS.slice(0, 1) }),
      );
      await old.putDocument({ id: "d", byteLength: 3, createdAt: T0 });
      await old.createJob(job("kept", { requestId: "r-1" }), [{ path: "a", documentId: "d" }]);
      await old.close();
      // A later version of the code: the versions it adds (here at least one more than the first).
      const later = [
        ...MIGRATIONS,
        { version: MIGRATIONS.length + 1, name: "later", sql: "CREATE TABLE later (x int)" },
      ];
      const store = new PostgresStore(await PgDatabase.open(POSTGRES_URL, { schema, migrations: later }));
      try {
        expect(await store.getJob("kept")).toMatchObject({ id: "kept", requestId: "r-1" });
        expect((await store.listTasks("kept", { limit: 10 })).map((t) => t.path)).toEqual(["a"]);
        const versions = await adminQuery<{ version: number }>(
          `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
        );
        expect(versions.map((row) => row.version)).toEqual(later.map((migration) => migration.version));
        expect(await adminQuery(`SELECT * FROM "${schema}".later`)).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it("migrates once when two processes open a new schema at the same moment", async () => {
      const schema = freshSchema();
      const databases = await Promise.all([1, 2, 3].map(() => PgDatabase.open(POSTGRES_URL, { schema })));
      await Promise.all(databases.map((db) => db.close()));
      const versions = await adminQuery<{ version: number }>(
        `SELECT version FROM "${schema}".schema_migrations`,
      );
      expect(versions.map((row) => row.version).sort((a, b) => a - b)).toEqual(
        MIGRATIONS.map((m) => m.version),
      );
    });

    it("refuses a schema written by a newer version, leaving it as it is", async () => {
      const schema = freshSchema();
      await (await PgDatabase.open(POSTGRES_URL, { schema })).close();
      await adminQuery(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES (999, 'future')`);
      await expect(PgDatabase.open(POSTGRES_URL, { schema })).rejects.toThrow(
        /newer Palimpsest \(schema 999/,
      );
      const [row] = await adminQuery<{ version: number }>(
        `SELECT max(version) AS version FROM "${schema}".schema_migrations`,
      );
      expect(row?.version).toBe(999);
    });
  });

  describe("PostgreSQL connection loss", () => {
    it("carries on through connections cut in the middle of work: nothing lost, nothing done twice", async () => {
      const applicationName = `palimpsest-test-${randomBytes(4).toString("hex")}`;
      const { logger, lines } = recordingLogger();
      const store = await openTestStore({ applicationName, logger });
      const watcher = await openSibling(await schemaOf(store), `${applicationName}-w`);
      try {
        const heard: StoreChange[] = [];
        watcher.watch((change) => heard.push(change));
        await store.putDocument({ id: "d", byteLength: 1, createdAt: T0 });
        const count = 60;
        await store.createJob(
          job("j"),
          Array.from({ length: count }, (_, i) => ({ path: `p${i}`, documentId: "d" })),
        );
        let cuts = 0;
        const work = (async () => {
          for (let i = 0; i < count; i++) {
            const task = await store.claimTask("j", "w", T0 + i);
            if (!task) throw new Error(`no task to claim at ${i}`);
            expect(await store.completeTask(task.id, "w", { result: result(`f${i}`) }, T0 + i)).toBe(true);
          }
        })();
        const cutting = (async () => {
          // Cut every connection of the store (the pool's and the LISTEN one) a few times mid-way.
          while (cuts < 4) {
            await new Promise((resolve) => setTimeout(resolve, 40));
            if ((await terminate(applicationName)).length > 0) cuts++;
          }
        })();
        await Promise.all([work, cutting]);
        // Cut the watching process's connections too: it hears what was committed after.
        await terminate(`${applicationName}-w`);

        const tasks = await store.listTasks("j", { limit: count + 10 });
        expect(tasks).toHaveLength(count);
        expect(tasks.every((task) => task.state === "done" && task.attempts === 1)).toBe(true);
        expect(new Set(tasks.map((task) => task.resultId)).size).toBe(count);
        expect(await store.getJob("j")).toMatchObject({ state: "done" });
        expect((await store.countTasks("j", T0)).byState.done).toBe(count);

        await store.createJob(job("after"));
        await eventually(() => expect(heard).toContainEqual({ kind: "job", jobId: "after" }));
        // Logged once per loss and once per return, not once per statement.
        const lost = lines.filter((line) => line.level === "warn").length;
        expect(lost).toBeGreaterThanOrEqual(1);
        expect(lost).toBeLessThanOrEqual(cuts * 2);
      } finally {
        await Promise.all([store.close(), watcher.close()]);
      }
    });

    it("waits for a database that went away, and fails with STORE_UNAVAILABLE once STORE_RETRY_MS has passed", async () => {
      const proxy = await startPostgresProxy();
      const schema = freshSchema();
      const patient = await PostgresStore.open(proxy.url, { schema, retryMs: 60_000 });
      const hasty = await PostgresStore.open(proxy.url, { schema, retryMs: 300 });
      try {
        await patient.putDocument({ id: "d", byteLength: 1, createdAt: T0 });
        await proxy.cut();
        const waiting = patient.createJob(job("during"), [{ path: "a", documentId: "d" }]);
        await expect(hasty.getJob("during")).rejects.toMatchObject({
          code: "STORE_UNAVAILABLE",
          status: 503,
        });
        await proxy.restore();
        await waiting;
        expect((await hasty.listTasks("during", { limit: 10 })).map((t) => t.path)).toEqual(["a"]);
      } finally {
        await Promise.all([patient.close(), hasty.close()]);
        await proxy.close();
      }
    });

    it("answers a transaction whose commit was made but whose reply was lost, without running it again", async () => {
      const proxy = await startPostgresProxy();
      const db = await PgDatabase.open(proxy.url, { schema: freshSchema() });
      try {
        await db.query("CREATE TABLE counted (n integer)");
        let runs = 0;
        const answer = await db.transaction(async (tx) => {
          runs++;
          await tx.query("INSERT INTO counted VALUES (1)");
          // The COMMIT that follows reaches the server; its reply never comes back.
          if (runs === 1) proxy.loseReplies();
          return "inserted";
        });
        expect([answer, runs]).toEqual(["inserted", 1]);
        expect(await db.query("SELECT count(*) AS n FROM counted")).toEqual([{ n: 1 }]);
      } finally {
        await db.close();
        await proxy.close();
      }
    });

    it("runs a transaction again when its connection broke before the commit was made", async () => {
      const proxy = await startPostgresProxy();
      const db = await PgDatabase.open(proxy.url, { schema: freshSchema() });
      try {
        await db.query("CREATE TABLE counted (n integer)");
        let runs = 0;
        const answer = await db.transaction(async (tx) => {
          runs++;
          await tx.query("INSERT INTO counted VALUES (1)");
          if (runs === 1) {
            await proxy.cut();
            setTimeout(() => void proxy.restore(), 200);
          }
          return runs;
        });
        expect(answer).toBe(2);
        expect(await db.query("SELECT count(*) AS n FROM counted")).toEqual([{ n: 1 }]);
      } finally {
        await db.close();
        await proxy.close();
      }
    });

    it("says at open which server cannot be reached, never with its password", async () => {
      const proxy = await startPostgresProxy();
      await proxy.cut();
      const url = new URL(proxy.url);
      url.password = "s3cret";
      const error = await PgDatabase.open(url.toString(), { schema: freshSchema() }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "STORE_UNAVAILABLE" });
      expect((error as Error).message).toContain(`127.0.0.1:${url.port}`);
      expect((error as Error).message).not.toContain("s3cret");

      const missing = new URL(POSTGRES_URL);
      missing.pathname = "/no_such_database";
      await expect(PgDatabase.open(missing.toString(), { schema: freshSchema() })).rejects.toMatchObject({
        code: "STORE_UNAVAILABLE",
        message: expect.stringMatching(/no_such_database.*does not exist/),
      });
    });
  });

  describe("PostgreSQL listing of a large job", () => {
    it("pages through 100,000 tasks with index scans, first page and deep pages alike", async () => {
      const store = await openTestStore();
      const db = (store as unknown as { db: PgDatabase }).db;
      try {
        await store.putDocument({ id: "d", byteLength: 1, createdAt: T0 });
        // Other jobs share the table, before and after it.
        const entries = (count: number) =>
          Array.from({ length: count }, (_, i) => ({
            path: `entry-${String(i).padStart(6, "0")}`,
            documentId: "d",
          }));
        await store.createJob(job("before"), entries(20_000));
        const size = 100_000;
        await store.createJob(
          job("big"),
          Array.from({ length: size }, (_, i) => ({
            path: `entry-${String(i).padStart(6, "0")}`,
            documentId: "d",
          })),
        );
        await store.createJob(job("after"), entries(20_000));
        for (let i = 0; i < 5; i++) await store.claimTask("big", "w", T0);
        // As autovacuum would after so many rows.
        await db.query("ANALYZE tasks");

        const first = await store.listTasks("big", { limit: 50 });
        expect(first.map((t) => t.path)).toEqual(
          Array.from({ length: 50 }, (_, i) => `entry-${String(i).padStart(6, "0")}`),
        );
        const deepAfter = (first[0]?.id as number) + 89_999;
        const deep = await store.listTasks("big", { limit: 50, after: deepAfter });
        expect(deep[0]?.path).toBe("entry-090000");
        expect(await store.listTasks("big", { limit: 50, state: "running" })).toHaveLength(5);

        const plan = async (options: Parameters<typeof listTasksStatement>[1]) => {
          const [big] = await db.query<{ seq: number }>("SELECT seq FROM jobs WHERE id = 'big'");
          const { text, values } = listTasksStatement(big?.seq as number, options);
          const rows = await db.query<{ "QUERY PLAN": string }>(`EXPLAIN ${text}`, values);
          return rows.map((row) => row["QUERY PLAN"]).join("\n");
        };
        for (const options of [
          { limit: 50 },
          { limit: 50, after: deepAfter },
          { limit: 50, state: "running" as const },
          { limit: 50, state: "queued" as const, after: deepAfter },
        ]) {
          const text = await plan(options);
          // A seek to the job's tasks (after the cursor), read in order: no walk through other jobs'
          // tasks, no sort.
          expect(text).toMatch(/Index (Only )?Scan using tasks_(pkey|by_state) on tasks/);
          expect(text).toMatch(/Index Cond: \(\(job_seq = /);
          expect(text).not.toMatch(/Seq Scan on tasks|Sort/);
        }
      } finally {
        await store.close();
      }
    });
  });
});
