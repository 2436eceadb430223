/**
 * The PostgreSQL server tests run against (TEST_POSTGRES_URL, or the local one with trust auth), each
 * store in a fresh schema of its own so that test files can run in parallel on one database. Where no
 * server answers, the tests that need one are skipped with a warning.
 */
import { randomBytes } from "node:crypto";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import pg from "pg";
import { PgDatabase, type PgDatabaseOptions } from "../../src/store/postgres/database.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    const shown = new URL(POSTGRES_URL);
    shown.password = "";
    console.warn(
      `PostgreSQL tests skipped: no server at ${shown} (${(error as Error).message}); set TEST_POSTGRES_URL.`,
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const hasPostgres = await reachable();

const created = new Set<string>();

/** A schema name no other test uses (created by the store that opens it). */
export function freshSchema(): string {
  const schema = `test_${randomBytes(6).toString("hex")}`;
  created.add(schema);
  return schema;
}

/** A store in a fresh schema; `dropTestSchemas` removes it (call it in afterAll). */
export function openTestStore(options: PgDatabaseOptions = {}): Promise<PostgresStore> {
  return PostgresStore.open(POSTGRES_URL, { retryMs: 30_000, schema: freshSchema(), ...options });
}

export function openTestDatabase(options: PgDatabaseOptions = {}): Promise<PgDatabase> {
  return PgDatabase.open(POSTGRES_URL, { retryMs: 30_000, schema: freshSchema(), ...options });
}

/** Statements as the test itself (not through a store): inspecting, terminating connections. */
export async function adminQuery<R extends object>(text: string, values?: unknown[]): Promise<R[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Drops every schema this file's tests created. */
export async function dropTestSchemas(): Promise<void> {
  if (!hasPostgres || created.size === 0) return;
  const schemas = [...created];
  created.clear();
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    // One at a time: dropping them all in one transaction could run out of lock slots.
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface PostgresProxy {
  /** STORE_URL through the proxy. */
  url: string;
  /** The server goes away: connections are cut and new ones refused, until restore(). */
  cut(): Promise<void>;
  /**
   * What the server answers on the connections open now is lost from here on, and they are cut a
   * moment later, as when a network fails: what was sent to the server was done, unknown to the client.
   */
  loseReplies(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP relay to the test server, to take the database away from a store and give it back. */
export async function startPostgresProxy(): Promise<PostgresProxy> {
  const target = new URL(POSTGRES_URL);
  const sockets = new Set<Socket>();
  /** Client sockets whose replies are lost. */
  const deaf = new WeakSet<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.on("data", (chunk: Buffer) => {
      if (!deaf.has(client)) client.write(chunk);
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const cut = async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  const url = new URL(POSTGRES_URL);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.toString(),
    cut,
    loseReplies: () => {
      const current = [...sockets];
      for (const socket of current) deaf.add(socket);
      setTimeout(() => {
        for (const socket of current) socket.destroy();
      }, 300);
    },
    restore: () => listen(port),
    close: async () => {
      if (server.listening) await cut();
    },
  };
}

/**
 * A database of its own, for tests that cut every connection to it (pg_terminate_backend by database
 * name) without touching other tests'; its URL and a function that drops it.
 */
export async function freshDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `test_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
