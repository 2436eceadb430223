/** The SQLite adapter: the store contract, in memory and on disk, and what only a file can show. */
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
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
    expect((await store.listRecentJobs({ limit: 10, kind: "batch" })).jobs.map((j) => j.id)).toEqual(["old"]);
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'jobs_by_kind'").get()).toBeDefined();
    raw.close();
  });

  it("refuses a database written by a newer version", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "store-")), "p.db");
    const raw = new Database(file);
    raw.pragma("user_version = 999");
    raw.close();
    await expect(new SqliteStore(file).getDocument("x")).rejects.toThrow(/newer Palimpsest/);
  });
});
