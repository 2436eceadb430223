/**
 * One PostgreSQL database as Palimpsest's PostgreSQL adapters share it (the store, the blob store, the
 * model slots): a pool for statements and transactions, one dedicated connection for LISTEN, the
 * schema's migrations applied at open, and a lost connection waited out (up to STORE_RETRY_MS) rather
 * than failing every request at the first restart of the server.
 *
 * Everything lives in one PostgreSQL schema (search_path of every connection), so that several stores
 * (parallel tests, two deployments) can share one database without seeing each other.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { PalimpsestError } from "../../errors.js";
import type { Log } from "../../logger.js";
import { MIGRATIONS, type Migration } from "./migrations.js";

export interface PgQueryable {
  /** One statement; its rows, with bigint columns as numbers. */
  query<R extends object>(text: string, values?: unknown[]): Promise<R[]>;
}

export interface PgDatabaseOptions {
  /** The PostgreSQL schema to keep everything in, created when missing ("public" by default). */
  schema?: string;
  logger?: Log;
  /** Connections of the pool (the LISTEN connection comes on top). */
  poolSize?: number;
  /** How long statements wait for a lost database to come back before failing with STORE_UNAVAILABLE. */
  retryMs?: number;
  /** The connections' application_name, as pg_stat_activity shows it ("palimpsest" by default). */
  applicationName?: string;
  /** The migrations to bring the schema to (MIGRATIONS by default; tests build older schemas). */
  migrations?: readonly Migration[];
}

export const DEFAULT_RETRY_MS = 10 * 60_000;
const DEFAULT_POOL_SIZE = 10;
/** Backoff between attempts while the database is away: doubled from the first, up to the cap. */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 3_000;
/** Conflicts between transactions (deadlock, serialization) are retried this many times at most. */
const MAX_CONFLICT_RETRIES = 10;
const CONNECT_TIMEOUT_MS = 10_000;
/** pg_advisory_xact_lock's first key for migrations; the second is the schema's hash. */
const MIGRATION_LOCK = 0x50414c4d;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** PostgreSQL truncates identifiers, and so channel names, past 63 bytes. */
const MAX_CHANNEL_BYTES = 63;

/** bigint (int8) columns as numbers: ids, counts and millisecond times all fit in 2^53. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? "text")) as pg.CustomTypesConfig["getTypeParser"],
};

type Listener = (payload: string) => void;

export class PgDatabase implements PgQueryable {
  private readonly pool: pg.Pool;
  readonly logger: Log | undefined;
  private readonly retryMs: number;
  private readonly clientConfig: pg.ClientConfig;
  private readonly where: string;
  /** Since when the database has been unreachable (logged once when lost, once when back). */
  private lostSince: number | undefined;
  private closed = false;

  private readonly listeners = new Map<string, Set<Listener>>();
  private listenClient: pg.Client | undefined;
  /** LISTEN and UNLISTEN commands, in order; resolves once those asked for so far are done. */
  private listening: Promise<void> = Promise.resolve();
  private reconnectTimer: NodeJS.Timeout | undefined;

  private constructor(
    url: string,
    readonly schema: string,
    options: PgDatabaseOptions,
  ) {
    this.logger = options.logger;
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    this.where = describeServer(url);
    this.clientConfig = {
      connectionString: url,
      application_name: options.applicationName ?? "palimpsest",
      options: `-c search_path=${schema}`,
      connectionTimeoutMillis: Math.min(CONNECT_TIMEOUT_MS, Math.max(this.retryMs, 1000)),
      keepAlive: true,
      types: TYPES,
    };
    this.pool = new pg.Pool({ ...this.clientConfig, max: options.poolSize ?? DEFAULT_POOL_SIZE });
    // An idle connection that breaks (server restarted) is dropped from the pool; the next statement
    // opens another. Without a listener the error would end the process.
    this.pool.on("error", (error) => this.lost(error));
  }

  /**
   * Connects, creates the schema when missing and applies the migrations it lacks. A database that
   * cannot be reached (or refuses the credentials) is a PalimpsestError STORE_UNAVAILABLE naming the
   * server (host:port, never the password); one whose schema is newer than this code is refused.
   */
  static async open(url: string, options: PgDatabaseOptions = {}): Promise<PgDatabase> {
    const schema = options.schema ?? "public";
    if (!SCHEMA_NAME.test(schema))
      throw new Error(`"${schema}" is not a schema name (lower case letters, digits and _, up to 63).`);
    const db = new PgDatabase(url, schema, options);
    try {
      await db.migrate(options.migrations ?? MIGRATIONS);
    } catch (error) {
      await db.close();
      if (isConnectionLoss(error) || isRefusedLogin(error))
        throw new PalimpsestError(
          "STORE_UNAVAILABLE",
          `PostgreSQL at ${db.where} cannot be reached: ${(error as Error).message}`,
          { cause: error, details: { server: db.where } },
        );
      throw error;
    }
    return db;
  }

  /**
   * One statement outside any transaction, tried again while the connection is lost. A statement whose
   * connection broke may or may not have been applied: use it for reads and for writes that leave the
   * same state when run twice (INSERT ... ON CONFLICT DO NOTHING, setting a value); other writes go
   * through transaction(), which finds out whether its commit happened.
   */
  query<R extends object>(text: string, values?: unknown[]): Promise<R[]> {
    return this.retrying(async () => (await this.pool.query<R>(text, values)).rows);
  }

  /**
   * BEGIN ... COMMIT on one connection; ROLLBACK when `work` throws. Run again from the start after a
   * deadlock or a serialization failure, and after a connection lost before the commit (the server
   * rolled it back). A connection lost during the commit leaves its outcome unknown to us: the
   * transaction's id then tells whether it committed (txid_status), so a committed one is never run
   * twice, and `work`'s answer is returned. Notifications sent inside (pg_notify) go out at the commit.
   */
  async transaction<T>(work: (tx: PgQueryable) => Promise<T>): Promise<T> {
    return this.retrying(async () => {
      for (let conflicts = 0; ; conflicts++) {
        try {
          return await this.attempt(work);
        } catch (error) {
          if (!isConflict(error) || conflicts >= MAX_CONFLICT_RETRIES) throw error;
          await sleep(Math.random() * FIRST_DELAY_MS * 2 ** Math.min(conflicts, 5));
        }
      }
    });
  }

  /** Sends a notification at once (inside a transaction, use tx.query("SELECT pg_notify($1, $2)")). */
  async notify(channel: string, payload: string): Promise<void> {
    await this.query("SELECT pg_notify($1, $2)", [channel, payload]);
  }

  /**
   * Calls `listener` with the payload of each notification on `channel` (a name from channel()), from
   * any process. All channels share one connection; when it is lost, it is opened again, the channels
   * listened to again, and every listener called with "*": something may have changed meanwhile.
   * Returns the unsubscribe.
   */
  listen(channel: string, listener: Listener): () => void {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.enqueue((client) => client.query(`LISTEN ${quoteIdentifier(channel)}`));
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      this.enqueue((client) => client.query(`UNLISTEN ${quoteIdentifier(channel)}`));
    };
  }

  /** Resolves once every channel asked for so far is listened to (or its connection is being restored). */
  whenListening(): Promise<void> {
    return this.listening;
  }

  /**
   * A channel name of this schema: notification channels are database-wide, so two schemas (two
   * deployments, parallel tests) must not share one.
   */
  channel(name: string): string {
    const full = `${this.schema}.${name}`;
    if (Buffer.byteLength(full) <= MAX_CHANNEL_BYTES) return full;
    return `${this.schema.slice(0, 40)}.${createHash("sha256").update(full).digest("hex").slice(0, 16)}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.listenClient;
    this.listenClient = undefined;
    await client?.end().catch(() => undefined);
    await this.pool.end();
  }

  private async attempt<T>(work: (tx: PgQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection that breaks between two statements reports it as an event, not only to the next
    // statement: without a listener the process would end.
    let broken: unknown;
    const onError = (error: unknown) => {
      broken = error;
    };
    client.on("error", onError);
    let xid: number | undefined;
    let committing = false;
    let value: T | undefined;
    try {
      const [, begun] = (await client.query(
        "BEGIN; SELECT txid_current() AS xid",
      )) as unknown as pg.QueryResult<{ xid: number }>[];
      xid = begun?.rows[0]?.xid;
      value = await work({ query: async (text, values) => (await client.query(text, values)).rows });
      committing = true;
      await client.query("COMMIT");
      return value;
    } catch (error) {
      if (isConnectionLoss(error)) broken ??= error;
      else await client.query("ROLLBACK").catch((rollback: unknown) => (broken ??= rollback));
      if (committing && broken !== undefined && xid !== undefined && (await this.committed(xid)))
        return value as T;
      throw error;
    } finally {
      client.off("error", onError);
      client.release(broken === undefined ? undefined : (broken as Error));
    }
  }

  /** Whether a transaction whose connection broke during COMMIT committed, asked on another connection. */
  private async committed(xid: number): Promise<boolean> {
    const deadline = Date.now() + this.retryMs;
    for (;;) {
      const [row] = await this.query<{ status: string | null }>("SELECT txid_status($1) AS status", [xid]);
      // "in progress": the server has not yet noticed that the connection is gone.
      if (row?.status !== "in progress") return row?.status === "committed";
      if (Date.now() > deadline)
        throw new PalimpsestError(
          "STORE_UNAVAILABLE",
          `Whether a transaction committed is still unknown after ${this.retryMs} ms: its connection to PostgreSQL at ${this.where} broke during the commit.`,
        );
      await sleep(FIRST_DELAY_MS);
    }
  }

  /** Runs `attempt` until it succeeds, fails for another reason than a lost connection, or retryMs passes. */
  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    let since: number | undefined;
    let delay = FIRST_DELAY_MS;
    for (;;) {
      if (this.closed) throw new PalimpsestError("STORE_UNAVAILABLE", "The store is closed.");
      try {
        const value = await attempt();
        this.back();
        return value;
      } catch (error) {
        if (!isConnectionLoss(error)) throw error;
        this.lost(error);
        since ??= Date.now();
        const left = since + this.retryMs - Date.now();
        if (left <= 0)
          throw new PalimpsestError(
            "STORE_UNAVAILABLE",
            `The database (PostgreSQL at ${this.where}) has been unreachable for ${Math.round(
              (Date.now() - since) / 1000,
            )} s: ${(error as Error).message}`,
            { cause: error },
          );
        await sleep(Math.min(delay, left));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }

  private lost(error: unknown): void {
    if (this.lostSince !== undefined || this.closed) return;
    this.lostSince = Date.now();
    this.logger?.warn(
      { server: this.where, reason: (error as Error).message },
      "the database is unreachable: work waits for it",
    );
  }

  private back(): void {
    if (this.lostSince === undefined) return;
    this.logger?.info(
      { server: this.where, downMs: Date.now() - this.lostSince },
      "the database is reachable again",
    );
    this.lostSince = undefined;
  }

  /** Queues a LISTEN or UNLISTEN on the listening connection (opened on first use). */
  private enqueue(command: (client: pg.Client) => Promise<unknown>): void {
    this.listening = this.listening.then(async () => {
      if (this.closed || this.reconnectTimer) return; // a reconnection listens to every channel anew
      try {
        await command(this.listenClient ?? (await this.connectListener()));
      } catch (error) {
        this.listenerLost(error, this.listenClient);
      }
    });
  }

  private async connectListener(): Promise<pg.Client> {
    const client = new pg.Client(this.clientConfig);
    client.on("error", (error) => this.listenerLost(error, client));
    client.on("end", () => this.listenerLost(new Error("Connection terminated"), client));
    client.on("notification", ({ channel, payload }) => {
      for (const listener of [...(this.listeners.get(channel) ?? [])]) this.deliver(listener, payload ?? "");
    });
    try {
      await client.connect();
    } catch (error) {
      client.removeAllListeners("end");
      throw error;
    }
    this.listenClient = client;
    return client;
  }

  /** The listening connection broke (or could not be opened): try again until it is back. */
  private listenerLost(error: unknown, client: pg.Client | undefined): void {
    if (client !== this.listenClient) return;
    this.listenClient = undefined;
    client?.removeAllListeners("end");
    client?.end().catch(() => undefined);
    if (this.closed || this.reconnectTimer) return;
    this.lost(error);
    this.scheduleReconnect(FIRST_DELAY_MS);
  }

  private scheduleReconnect(delay: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.listening = this.listening.then(async () => {
        if (this.closed) return;
        try {
          const client = this.listenClient ?? (await this.connectListener());
          for (const channel of this.listeners.keys())
            await client.query(`LISTEN ${quoteIdentifier(channel)}`);
        } catch (error) {
          this.listenClient?.end().catch(() => undefined);
          this.listenClient = undefined;
          this.lost(error);
          this.scheduleReconnect(Math.min(delay * 2, MAX_DELAY_MS));
          return;
        }
        this.reconnectTimer = undefined;
        this.back();
        for (const set of [...this.listeners.values()])
          for (const listener of [...set]) this.deliver(listener, "*");
      });
    }, delay);
    // Reconnecting alone does not keep a process alive that has nothing else to do.
    this.reconnectTimer.unref();
  }

  private deliver(listener: Listener, payload: string): void {
    try {
      listener(payload);
    } catch (error) {
      this.logger?.error({ err: error }, "a database notification's listener failed");
    }
  }

  /** Creates the schema and applies the migrations it lacks, one process at a time. */
  private async migrate(migrations: readonly Migration[]): Promise<void> {
    const known = migrations.at(-1)?.version ?? 0;
    await this.attempt(async (tx) => {
      // Two processes starting together: the second waits here, then finds nothing left to do.
      await tx.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [MIGRATION_LOCK, this.schema]);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.schema)}`);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const [row] = await tx.query<{ version: number | null }>(
        "SELECT max(version) AS version FROM schema_migrations",
      );
      const current = row?.version ?? 0;
      if (current > known)
        throw new Error(
          `The database schema "${this.schema}" was written by a newer Palimpsest (schema ${current}, this one knows ${known}); it is left as it is.`,
        );
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        await tx.query(migration.sql);
        await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
          migration.version,
          migration.name,
        ]);
      }
    });
  }
}

/** The connection broke, could not be made, or the server is shutting down: waiting can help. */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (/^08/.test(code) || ["57P01", "57P02", "57P03"].includes(code)) return true;
    if (
      [
        "ECONNREFUSED",
        "ECONNRESET",
        "EPIPE",
        "ETIMEDOUT",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "ENOTFOUND",
        "EAI_AGAIN",
      ].includes(code)
    )
      return true;
  }
  return /Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(error.message);
}

/** The server answered, but refused the user, the password or the database name. */
function isRefusedLogin(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && (/^28/.test(code) || code === "3D000");
}

/** Deadlock or serialization failure: the transaction was rolled back and can simply run again. */
function isConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === "40001" || code === "40P01";
}

/** host:port of a postgres:// URL, for messages (never its user or password). */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
    return `${host}:${parsed.port || "5432"}`;
  } catch {
    return "(STORE_URL is not a URL)";
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
