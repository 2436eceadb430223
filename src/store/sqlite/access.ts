/**
 * The SQLite side of API keys, sessions and per-key usage (see the store port): kept apart from
 * documents and jobs, which they never touch.
 */
import type Database from "better-sqlite3";
import type { KeyRecord, SessionRecord } from "../port.js";
import { type KeyRow, toKey } from "./rows.js";

type Sql = (text: string) => Database.Statement;
type Write = <T>(work: () => T) => T;

export class SqliteAccess {
  constructor(
    private readonly sql: Sql,
    private readonly write: Write,
  ) {}

  createKey(key: KeyRecord): void {
    this.sql(
      "INSERT INTO api_keys (id, name, tenant, role, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).run(key.id, key.name ?? null, key.tenant, key.role, key.hash, key.createdAt, key.revokedAt ?? null);
  }

  getKey(id: string): KeyRecord | undefined {
    const row = this.sql("SELECT * FROM api_keys WHERE id = ?").get(id) as KeyRow | undefined;
    return row && toKey(row);
  }

  listKeys(): KeyRecord[] {
    return (this.sql("SELECT * FROM api_keys ORDER BY created_at, id").all() as KeyRow[]).map(toKey);
  }

  revokeKey(id: string, now: number): boolean {
    return this.write(() => {
      const { changes } = this.sql(
        "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
      ).run(now, id);
      this.sql("DELETE FROM sessions WHERE key_id = ?").run(id);
      return changes > 0;
    });
  }

  hasKeys(): boolean {
    return this.sql("SELECT 1 FROM api_keys LIMIT 1").get() !== undefined;
  }

  createSession(session: SessionRecord): void {
    this.write(() => {
      this.sql("DELETE FROM sessions WHERE expires_at <= ?").run(session.createdAt);
      this.sql("INSERT INTO sessions (hash, key_id, created_at, expires_at) VALUES (?, ?, ?, ?)").run(
        session.hash,
        session.keyId,
        session.createdAt,
        session.expiresAt,
      );
    });
  }

  findSession(hash: string, now: number): KeyRecord | undefined {
    const row = this.sql(
      `SELECT api_keys.* FROM sessions JOIN api_keys ON api_keys.id = sessions.key_id
       WHERE sessions.hash = ? AND sessions.expires_at > ? AND api_keys.revoked_at IS NULL`,
    ).get(hash, now) as KeyRow | undefined;
    return row && toKey(row);
  }

  deleteSession(hash: string): void {
    this.sql("DELETE FROM sessions WHERE hash = ?").run(hash);
  }

  addOcrPages(keyId: string, day: string, pages: number): void {
    this.sql(
      `INSERT INTO key_usage (key_id, day, ocr_pages) VALUES (?, ?, ?)
       ON CONFLICT (key_id, day) DO UPDATE SET ocr_pages = ocr_pages + excluded.ocr_pages`,
    ).run(keyId, day, pages);
  }

  ocrPages(keyId: string, day: string): number {
    const row = this.sql("SELECT ocr_pages FROM key_usage WHERE key_id = ? AND day = ?").get(keyId, day) as
      | { ocr_pages: number }
      | undefined;
    return row?.ocr_pages ?? 0;
  }
}
