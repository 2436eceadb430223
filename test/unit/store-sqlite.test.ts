/** The SQLite adapter: the store contract, in memory and on disk, and what only a file can show. */
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
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

  it("refuses a database written by a newer version", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "store-")), "p.db");
    const raw = new Database(file);
    raw.pragma("user_version = 999");
    raw.close();
    await expect(new SqliteStore(file).getDocument("x")).rejects.toThrow(/newer Palimpsest/);
  });
});
