/**
 * One process at a time downloads a given model file: a lock file created exclusively (O_EXCL), holding
 * the process id, touched every few seconds while held. Others wait for it to go away, then find the
 * file complete. A lock is stale, and taken over, when its process is gone: its pid is not running, or
 * is this process's own without this process holding it (a container restarted with the same pid), or
 * it has not been touched for a while (a process in another container or on another machine sharing
 * the folder, whose pid says nothing here).
 */
import { randomUUID } from "node:crypto";
import { link, open, readFile, rename, rm, stat, utimes } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

const HEARTBEAT_MS = 5_000;
/** Six missed heartbeats: a live holder is never this late, even on a loaded machine. */
const STALE_MS = 30_000;
const POLL_MS = 200;

/** Locks this process holds, so that its own pid in a lock it does not hold is recognised as stale. */
const held = new Set<string>();

export interface DownloadLock {
  release(): Promise<void>;
}

export interface LockOptions {
  signal?: AbortSignal;
  /** Called once when the lock is held by another live process, before waiting for it. */
  onWait?: (holderPid: number | undefined) => void;
}

export async function acquireLock(path: string, options: LockOptions = {}): Promise<DownloadLock> {
  let told = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const lock = await tryCreate(path);
    if (lock) return lock;
    const holder = await readHolder(path);
    if (holder === undefined) continue;
    if (isStale(path, holder)) {
      await removeIfSame(path, holder.content);
      continue;
    }
    if (!told) options.onWait?.(holder.pid);
    told = true;
    // An abort ends the sleep early; the check at the top of the loop then rejects with its reason.
    await sleep(POLL_MS, undefined, { signal: options.signal }).catch(() => {});
  }
}

async function tryCreate(path: string): Promise<DownloadLock | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw error;
  }
  // Before the pid is written: a caller in this process reading it must already see the lock as held.
  held.add(path);
  // The pid says who holds it; the random part tells this lock from a later one with the same pid.
  const content = `${process.pid} ${randomUUID()}`;
  try {
    await handle.writeFile(content);
  } catch (error) {
    // A lock without its pid (a full disk) would only block others until it went stale: removed now.
    held.delete(path);
    await rm(path, { force: true });
    throw error;
  } finally {
    await handle.close();
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    async release() {
      clearInterval(heartbeat);
      held.delete(path);
      await removeIfSame(path, content);
    },
  };
}

interface Holder {
  /** Undefined for a lock just created whose pid is not written yet. */
  pid: number | undefined;
  mtimeMs: number;
  content: string;
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const [content, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    const pid = Number.parseInt(content, 10);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, mtimeMs: info.mtimeMs, content };
  } catch (error) {
    // Released between our attempt and this read: try again.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function isStale(path: string, holder: Holder): boolean {
  if (Date.now() - holder.mtimeMs > STALE_MS) return true;
  if (holder.pid === undefined) return false;
  if (holder.pid === process.pid) return !held.has(path);
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes the lock only if it is still the one looked at (same content): two processes taking over the
 * same stale lock must not remove the new lock one of them has just created. The lock is moved aside
 * first (atomic), checked, and put back if it turns out to be a newer one.
 */
async function removeIfSame(path: string, content: string): Promise<void> {
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if ((await readFile(aside, "utf8")) !== content) await link(aside, path).catch(() => {});
  await rm(aside, { force: true });
}
