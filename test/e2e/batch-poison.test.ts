/**
 * Poison pills, with a real process: a document whose processing kills `palimpsest batch` (here the
 * model server's stand-in kills it with SIGKILL when that document's prompt arrives, as an out-of-memory
 * kill or a crash would) is failed with DOCUMENT_CRASHED at its first recurrence: the process dies
 * twice, not JOB_ATTEMPTS times. The documents that were in progress beside it at the first death are
 * tried again alone and done.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentOfPrompt } from "../../src/pipeline/extract/prompt.js";
import { CLI } from "../support/cli.js";
import { lexiconModel } from "../support/harness.js";
import { startTgiTestServer, type TgiTestServer } from "../support/tgi-server.js";

const DOCUMENTS = 12;
const POISON = 3;
const answer = lexiconModel([{ type: "place", text: "Bordeaux" }]);

let server: TgiTestServer;
let sources: string;
/** The batch process running now: the one the poison document kills. */
let current: ChildProcess | undefined;
let poisonCalls = 0;

beforeAll(async () => {
  server = await startTgiTestServer({
    latencyMs: 100,
    maxConcurrentRequests: 4,
    respond: (prompt) => {
      if (documentOfPrompt(prompt)?.includes(`numéro ${POISON},`)) {
        poisonCalls++;
        current?.kill("SIGKILL");
      }
      return answer(prompt);
    },
  });
  sources = await mkdtemp(join(tmpdir(), "batch-poison-docs-"));
  for (let n = 1; n <= DOCUMENTS; n++)
    await writeFile(
      join(sources, `lettre-${n}.txt`),
      `Lettre numéro ${n}, écrite à Bordeaux le 2 mars 1790.`,
    );
});
afterAll(async () => {
  if (current?.exitCode === null && current.signalCode === null) current.kill("SIGKILL");
  await server.close();
});

/** Runs the batch command to its end: its exit signal, or null when it ended by itself. */
async function runBatch(dataDir: string): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, [...CLI, "batch", sources, "--out", join(dataDir, "out.jsonl")], {
    env: {
      ...process.env,
      BLOOM_ENDPOINT_URL: server.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: "silent",
      MODEL_CONCURRENCY: "4",
    },
    stdio: "ignore",
  });
  current = child;
  const [, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  return signal;
}

interface TaskRow {
  path: string;
  state: string;
  crashes: number;
  started: number;
  error: string | null;
}

function readTasks(dataDir: string): TaskRow[] {
  const db = new Database(join(dataDir, "palimpsest.db"), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare("SELECT path, state, crashes, started, error FROM tasks ORDER BY path")
      .all() as TaskRow[];
  } finally {
    db.close();
  }
}

describe("palimpsest batch, a document that kills its process", () => {
  it("is failed as a poison pill after its second death; the others are done", {
    timeout: 60_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "batch-poison-"));
    const deaths: (NodeJS.Signals | null)[] = [];
    // JOB_ATTEMPTS (3) deaths and a fourth run were what it took before; one more run than that at most.
    for (let run = 0; run < 5; run++) {
      const signal = await runBatch(dataDir);
      deaths.push(signal);
      if (run === 0) {
        // Other documents were at work beside it at the first death: they are suspects too.
        const atWork = readTasks(dataDir).filter((t) => t.state === "running" && t.started === 1);
        expect(atWork.length).toBeGreaterThan(1);
      }
      if (signal === null) break;
    }
    expect(deaths).toEqual(["SIGKILL", "SIGKILL", null]);
    expect(poisonCalls).toBe(2);

    const tasks = readTasks(dataDir);
    const poison = tasks.find((t) => t.path === `lettre-${POISON}.txt`);
    expect(poison).toMatchObject({ state: "failed", crashes: 2 });
    expect(JSON.parse(poison?.error ?? "{}")).toMatchObject({ code: "DOCUMENT_CRASHED", retryable: false });
    const others = tasks.filter((t) => t !== poison);
    expect(others).toHaveLength(DOCUMENTS - 1);
    for (const task of others) {
      expect(task.state, task.path).toBe("done");
      expect(task.crashes, task.path).toBeLessThanOrEqual(1);
    }
  });
});
