/**
 * Crash safety, with a real process: the CLI batch is killed with SIGKILL in the middle of a batch, then
 * run again. Every document ends done exactly once: none finished before the kill is redone (same result,
 * same attempt, its model call made once), none is lost, and the results file never shows a partial
 * batch as complete. SIGTERM stops it gracefully: what was in progress finishes, nothing is redone.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { access, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { documentOfPrompt } from "../../src/pipeline/extract/prompt.js";
import { CLI } from "../support/cli.js";
import { lexiconModel } from "../support/harness.js";
import { startTgiTestServer, type TgiTestServer } from "../support/tgi-server.js";

const DOCUMENTS = 40;

let server: TgiTestServer;
let sources: string;
beforeAll(async () => {
  server = await startTgiTestServer({
    latencyMs: 150,
    maxConcurrentRequests: 4,
    respond: lexiconModel([{ type: "place", text: "Bordeaux" }]),
  });
  sources = await mkdtemp(join(tmpdir(), "batch-crash-docs-"));
  for (let n = 1; n <= DOCUMENTS; n++)
    await writeFile(
      join(sources, `lettre-${n}.txt`),
      `Lettre numéro ${n}, écrite à Bordeaux le 2 mars 1790.`,
    );
});
/** Children still running when a test fails are not left behind. */
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});
afterAll(() => server.close());

/** Generation requests the server received, per document number. */
function callsPerDocument(): Map<number, number> {
  const calls = new Map<number, number>();
  for (const request of server.received) {
    if (request.path !== "/") continue;
    const document = documentOfPrompt((request.body as { inputs: string }).inputs) ?? "";
    const n = Number(/Lettre numéro (\d+),/.exec(document)?.[1]);
    calls.set(n, (calls.get(n) ?? 0) + 1);
  }
  return calls;
}

function startBatch(dataDir: string, out: string): ChildProcess {
  const child = spawn(process.execPath, [...CLI, "batch", sources, "--out", out], {
    env: {
      ...process.env,
      BLOOM_ENDPOINT_URL: server.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: "silent",
      MODEL_CONCURRENCY: "4",
    },
    stdio: "ignore",
  });
  children.add(child);
  return child;
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

interface TaskRow {
  path: string;
  state: string;
  attempts: number;
  result_id: number | null;
  finished_at: number | null;
}

function readTasks(dataDir: string): TaskRow[] {
  const db = new Database(join(dataDir, "palimpsest.db"), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare("SELECT path, state, attempts, result_id, finished_at FROM tasks ORDER BY path")
      .all() as TaskRow[];
  } finally {
    db.close();
  }
}

/** Waits (polling the child's database) until `done` documents are done. */
async function untilDone(dataDir: string, done: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error("the batch ended before it could be interrupted");
    try {
      if (readTasks(dataDir).filter((t) => t.state === "done").length >= done) return;
    } catch {
      // The database is not created yet.
    }
    await sleep(20);
  }
}

async function readResults(out: string) {
  return (await readFile(out, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { path: string; status: string; extraction: { entities: unknown[] } });
}

describe("palimpsest batch, interrupted", () => {
  it("resumes after SIGKILL without redoing or losing a document", async () => {
    server.received.length = 0;
    const dataDir = await mkdtemp(join(tmpdir(), "batch-crash-"));
    const out = join(dataDir, "results.jsonl");
    const first = startBatch(dataDir, out);
    await untilDone(dataDir, 12, first);
    first.kill("SIGKILL");
    await exitCode(first);

    const atKill = readTasks(dataDir);
    const doneBefore = atKill.filter((t) => t.state === "done");
    const runningAtKill = new Set(atKill.filter((t) => t.state === "running").map((t) => t.path));
    expect(doneBefore.length).toBeGreaterThanOrEqual(12);
    expect(doneBefore.length).toBeLessThan(DOCUMENTS);
    // Nothing claims to be complete: the results file is written only once the batch is done.
    await expect(access(out)).rejects.toThrow();

    const second = startBatch(dataDir, out);
    expect(await exitCode(second)).toBe(0);

    const results = await readResults(out);
    expect(results.map((r) => r.path).sort()).toEqual(atKill.map((t) => t.path).sort());
    expect(results.every((r) => r.status === "done" && r.extraction.entities.length === 1)).toBe(true);

    const after = new Map(readTasks(dataDir).map((t) => [t.path, t]));
    for (const task of doneBefore) expect(after.get(task.path)).toEqual(task);
    for (const [path, task] of after) expect(task.attempts).toBe(runningAtKill.has(path) ? 2 : 1);
    const db = new Database(join(dataDir, "palimpsest.db"), { readonly: true });
    expect(db.prepare("SELECT COUNT(*) AS n FROM results").get()).toEqual({ n: DOCUMENTS });
    db.close();

    // One model call per document, except those whose call was in flight at the kill (at most one each).
    const calls = callsPerDocument();
    expect([...calls.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: DOCUMENTS }, (_, i) => i + 1),
    );
    const number = (path: string) => Number(/(\d+)/.exec(path)?.[1]);
    for (const task of doneBefore) expect(calls.get(number(task.path))).toBe(1);
    for (const [n, count] of calls) {
      expect(count).toBeLessThanOrEqual(runningAtKill.has(`lettre-${n}.txt`) ? 2 : 1);
    }
    expect(server.maxInFlight).toBeLessThanOrEqual(4);
  });

  it("stops on SIGTERM once the documents in progress are done, and resumes with no call made twice", async () => {
    server.received.length = 0;
    const dataDir = await mkdtemp(join(tmpdir(), "batch-term-"));
    await mkdir(dataDir, { recursive: true });
    const out = join(dataDir, "results.jsonl");
    const first = startBatch(dataDir, out);
    await untilDone(dataDir, 8, first);
    first.kill("SIGTERM");
    expect(await exitCode(first)).toBe(143);
    const stopped = readTasks(dataDir);
    expect(stopped.filter((t) => t.state === "running")).toEqual([]);
    expect(stopped.filter((t) => t.state === "done").length).toBeLessThan(DOCUMENTS);

    const second = startBatch(dataDir, out);
    expect(await exitCode(second)).toBe(0);
    expect(await readResults(out)).toHaveLength(DOCUMENTS);
    expect([...callsPerDocument().values()]).toEqual(Array.from({ length: DOCUMENTS }, () => 1));
    expect(readTasks(dataDir).every((t) => t.state === "done" && t.attempts === 1)).toBe(true);
  });
});
