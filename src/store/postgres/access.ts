/**
 * The PostgreSQL side of API keys, sessions and per-key usage (see the store port): kept apart from
 * documents and jobs, which they never touch.
 */
import type { KeyRecord, SessionRecord } from "../port.js";
import type { PgDatabase } from "./database.js";
import { type KeyRow, toKey } from "./rows.js";

export class PostgresAccess {
  constructor(private readonly db: PgDatabase) {}

  // Not run twice (its insert would fail on the id): database.ts runs a committed transaction once.
  async createKey(key: KeyRecord): Promise<void> {
    await this.db.transaction((tx) =>
      tx.query(
        `INSERT INTO api_keys (id, name, tenant, role, hash, created_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [key.id, key.name ?? null, key.tenant, key.role, key.hash, key.createdAt, key.revokedAt ?? null],
      ),
    );
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const [row] = await this.db.query<KeyRow>("SELECT * FROM api_keys WHERE id = $1", [id]);
    return row && toKey(row);
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (await this.db.query<KeyRow>("SELECT * FROM api_keys ORDER BY created_at, id")).map(toKey);
  }

  // Run twice: the key is revoked already, the second run answers false.
  revokeKey(id: string, now: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const revoked = await tx.query(
        "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id",
        [id, now],
      );
      await tx.query("DELETE FROM sessions WHERE key_id = $1", [id]);
      return revoked.length > 0;
    });
  }

  async hasKeys(): Promise<boolean> {
    return (await this.db.query("SELECT 1 FROM api_keys LIMIT 1")).length > 0;
  }

  // Run twice: the session's insert does nothing the second time.
  async createSession(session: SessionRecord): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query("DELETE FROM sessions WHERE expires_at <= $1", [session.createdAt]);
      await tx.query(
        `INSERT INTO sessions (hash, key_id, created_at, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [session.hash, session.keyId, session.createdAt, session.expiresAt],
      );
    });
  }

  async findSession(hash: string, now: number): Promise<KeyRecord | undefined> {
    const [row] = await this.db.query<KeyRow>(
      `SELECT api_keys.* FROM sessions JOIN api_keys ON api_keys.id = sessions.key_id
       WHERE sessions.hash = $1 AND sessions.expires_at > $2 AND api_keys.revoked_at IS NULL`,
      [hash, now],
    );
    return row && toKey(row);
  }

  // Run twice: nothing left to delete.
  async deleteSession(hash: string): Promise<void> {
    await this.db.query("DELETE FROM sessions WHERE hash = $1", [hash]);
  }

  // Not harmless twice (the pages would be counted twice): a transaction, which database.ts never runs
  // again once committed.
  async addOcrPages(keyId: string, day: string, pages: number): Promise<void> {
    await this.db.transaction((tx) =>
      tx.query(
        `INSERT INTO key_usage (key_id, day, ocr_pages) VALUES ($1, $2, $3)
         ON CONFLICT (key_id, day) DO UPDATE SET ocr_pages = key_usage.ocr_pages + excluded.ocr_pages`,
        [keyId, day, pages],
      ),
    );
  }

  async ocrPages(keyId: string, day: string): Promise<number> {
    const [row] = await this.db.query<{ ocr_pages: number }>(
      "SELECT ocr_pages FROM key_usage WHERE key_id = $1 AND day = $2",
      [keyId, day],
    );
    return row?.ocr_pages ?? 0;
  }
}
