/** The SQLite adapter: the store contract, in memory and on disk, and what only a file can show. */
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { DEFAULT_TENANT } from "../../src/auth/roles.js";
import { MIGRATIONS } from "../../src/store/sqlite/schema.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { storeContract } from "./store-contract.js";

storeContract("SQLite in memory", () => new SqliteStore(":memory:"));
storeContract(
  "SQLite file",
  async () => new SqliteStore(join(await mkdtemp(join(tmpdir(), "store-")), "p.db")),
);

describe("SQLite store", () => {
  it("keeps everything across a close and a reopen, in WAL mode", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "store-")), "nested", "p.db");
    const first = new SqliteStore(file);
    await first.putDocument({ id: "d1", byteLength: 1, createdAt: 1 });
    await first.createJob({ id: "j", kind: "cli", state: "running", spec: { profile: "p" }, createdAt: 1 }, [
      { path: "a", documentId: "d1" },
    ]);
    await first.close();
    const second = new SqliteStore(file);
    expect((await second.listTasks("j", { limit: 10 })).map((t) => t.path)).toEqual(["a"]);
    await second.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
  });

  it("creates no file until it is used", async () => {
    const dir = await mkdtemp(join(tmpdir(), "store-"));
    const store = new SqliteStore(join(dir, "sub", "p.db"));
    await store.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it("brings a database written by the first schema up to date, keeping its jobs", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "store-")), "p.db");
    const old = new Database(file);
    old.exec(MIGRATIONS[0] as string);
    old.pragma("user_version = 1");
    old
      .prepare("INSERT INTO jobs (id, kind, state, spec, created_at) VALUES (?, ?, ?, ?, ?)")
      .run("old", "batch", "done", '{"profile":"p"}', 1);
    old.close();

    const store = new SqliteStore(file);
    expect(
      (await store.listRecentJobs({ tenant: DEFAULT_TENANT, limit: 10, kind: "batch" })).jobs.map(
        (j) => j.id,
      ),
    ).toEqual(["old"]);
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'jobs_by_kind'").get()).toBeDefined();
    // Deleting a document seeks the tasks on it and on its results rather than reading them all.
    const plan = raw.prepare("EXPLAIN QUERY PLAN SELECT 1 FROM tasks WHERE document_id = ? OR result_id = ?");
    expect(JSON.stringify(plan.all("d", 1))).toMatch(/tasks_by_document.*tasks_by_result/);
    raw.close();
  });

  it("reads the figures of the results a database of schema 2 holds from their Extractions", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "store-")), "p.db");
    const old = new Database(file);
    for (const migration of MIGRATIONS.slice(0, 2)) old.exec(migration);
    old.pragma("user_version = 2");
    const insert = old.prepare(
      `INSERT INTO results (document_id, fingerprint, profile, extraction, pages, chunks, created_at)
       VALUES (?, 'f', ?, ?, ?, 1, ?)`,
    );
    old
      .prepare("INSERT INTO documents (id, byte_length, created_at) VALUES ('d1', 1, 1), ('d2', 1, 1)")
      .run();
    const extraction = (document: object, entities: number, rejected: number) =>
      JSON.stringify({
        document: { id: "x", mediaType: "application/pdf", pages: [], ...document },
        entities: Array.from({ length: entities }, (_, i) => ({ id: `m${i + 1}` })),
        rejected: Array.from({ length: rejected }, () => ({ reason: "not-found" })),
      });
    insert.run("d1", "default", extraction({ filename: "lots/Acte 12.pdf" }, 3, 2), 4, 10);
    insert.run("d2", "baptism", extraction({ mediaType: "text/plain" }, 0, 0), 1, 20);
    // A task refers to its result: the table is rebuilt under it.
    old
      .prepare("INSERT INTO jobs (id, kind, state, spec, created_at) VALUES ('j', 'batch', 'done', '{}', 1)")
      .run();
    old
      .prepare(
        "INSERT INTO tasks (job_seq, path, document_id, state, result_id, scan) VALUES (1, 'lots/Acte 12.pdf', 'd1', 'done', 1, 0)",
      )
      .run();
    old.close();

    const store = new SqliteStore(file);
    const { results } = await store.listLatestResults({ tenant: DEFAULT_TENANT, limit: 10 });
    expect(results.map(({ id: _, ...result }) => result)).toEqual([
      {
        tenant: DEFAULT_TENANT,
        documentId: "d2",
        fingerprint: "f",
        profile: "baptism",
        name: "document",
        mediaType: "text/plain",
        pages: 1,
        chunks: 1,
        mentions: 0,
        rejected: 0,
        createdAt: 20,
      },
      {
        tenant: DEFAULT_TENANT,
        documentId: "d1",
        fingerprint: "f",
        profile: "default",
        name: "lots/Acte 12.pdf",
        mediaType: "application/pdf",
        pages: 4,
        chunks: 1,
        mentions: 3,
        rejected: 2,
        createdAt: 10,
      },
    ]);
    expect(
      (await store.listLatestResults({ tenant: DEFAULT_TENANT, limit: 10, name: "acte" })).results,
    ).toHaveLength(1);
    // What was stored before tenants is the default tenant's.
    expect((await store.getDocument("d2", DEFAULT_TENANT))?.byteLength).toBe(1);
    expect((await store.getJob("j"))?.tenant).toBe(DEFAULT_TENANT);
    const [task] = await store.listTasks("j", { limit: 1 });
    expect((await store.getResult(task?.resultId as number))?.name).toBe("lots/Acte 12.pdf");
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.pragma("foreign_key_check")).toEqual([]);
    const indexes = raw.prepare(
      "SELECT name FROM sqlite_master WHERE tbl_name = 'results' AND type = 'index'",
    );
    expect(indexes.all().map((row) => (row as { name: string }).name)).toEqual(
      expect.arrayContaining(["results_by_document", "results_by_profile"]),
    );
    // Last, so that reading the other columns never walks through a long Extraction.
    expect((raw.pragma("table_info(results)") as { name: string }[]).at(-1)?.name).toBe("extraction");
    raw.close();
  });

  it("refuses a database written by a newer version", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "store-")), "p.db");
    const raw = new Database(file);
    raw.pragma("user_version = 999");
    raw.close();
    await expect(new SqliteStore(file).getDocument("x", DEFAULT_TENANT)).rejects.toThrow(/newer Palimpsest/);
  });
});
