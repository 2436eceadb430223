/**
 * The PostgreSQL store's notifications: each transaction collects the changes it makes and sends them
 * with pg_notify before its commit (so they go out with it, and not at all when it rolls back); every
 * process sharing the database hears them through LISTEN, this one included.
 */
import type { StoreChange } from "../port.js";
import type { PgDatabase, PgQueryable } from "./database.js";

/** A transaction of the store: its statements, and the changes to announce once it commits. */
export interface Transaction extends PgQueryable {
  changed(change: StoreChange): void;
}

/** Jobs whose changes were heard lately, told again after the LISTEN connection was lost. */
const REMEMBERED_JOBS = 1000;

export class StoreWatch {
  private readonly channel: string;
  private readonly watchers = new Set<(change: StoreChange) => void>();
  /** Changes heard since the last delivery: many in a burst are delivered once each. */
  private readonly pending = new Set<string>();
  private flush: NodeJS.Immediate | undefined;
  private readonly heardJobs = new Set<string>();

  constructor(
    private readonly db: PgDatabase,
    /** The jobs that may still change (told after a loss of the LISTEN connection). */
    private readonly unfinishedJobs: () => Promise<string[]>,
  ) {
    this.channel = db.channel("store");
    // From the start, not at the first watcher: a change committed between a watch() and a LISTEN
    // made then would be lost.
    db.listen(this.channel, (payload) => this.heard(payload));
  }

  watch(listener: (change: StoreChange) => void): () => void {
    this.watchers.add(listener);
    return () => {
      this.watchers.delete(listener);
    };
  }

  /** Runs `work` in a transaction that announces the changes it reports once committed. */
  write<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (query) => {
      // Made anew for each run: a transaction run again after a conflict announces its own changes.
      const changes = new Set<string>();
      const value = await work({
        query: (text, values) => query.query(text, values),
        changed: (change) => {
          changes.add(JSON.stringify(change));
        },
      });
      if (changes.size > 0)
        await query.query("SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload", [
          this.channel,
          [...changes],
        ]);
      return value;
    });
  }

  close(): void {
    clearImmediate(this.flush);
    this.watchers.clear();
  }

  private heard(payload: string): void {
    if (payload === "*") {
      // The connection was lost meanwhile: whatever changed then was not heard.
      void this.unfinishedJobs()
        .catch(() => [] as string[])
        .then((jobIds) => {
          for (const jobId of [...this.heardJobs, ...jobIds]) this.queue({ kind: "job", jobId });
          this.queue({ kind: "work" });
        });
      return;
    }
    this.pending.add(payload);
    this.flush ??= setImmediate(() => this.deliver());
  }

  private queue(change: StoreChange): void {
    this.heard(JSON.stringify(change));
  }

  private deliver(): void {
    this.flush = undefined;
    const payloads = [...this.pending];
    this.pending.clear();
    for (const payload of payloads) {
      const change = JSON.parse(payload) as StoreChange;
      if (change.kind === "job") this.remember(change.jobId);
      for (const watcher of [...this.watchers]) {
        try {
          watcher(change);
        } catch (error) {
          this.db.logger?.error({ err: error, change }, "a watcher of the store failed");
        }
      }
    }
  }

  private remember(jobId: string): void {
    this.heardJobs.delete(jobId);
    this.heardJobs.add(jobId);
    if (this.heardJobs.size > REMEMBERED_JOBS)
      this.heardJobs.delete(this.heardJobs.values().next().value as string);
  }
}
