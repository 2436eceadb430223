/**
 * The job runner's policies, against the TGI test server: retries of failures a retry can help, a final
 * failure after JOB_ATTEMPTS, documents whose processing kept being interrupted, and shutdown.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildZip } from "../support/archives.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

let harness: Harness;
afterEach(() => harness.close());

async function start(env: Record<string, string> = {}, latencyMs = 0) {
  harness = await startHarness({
    server: { latencyMs, respond: lexiconModel([{ type: "place", text: "Lyon" }]) },
    env: {
      DATA_DIR: await mkdtemp(join(tmpdir(), "runner-")),
      MODEL_RETRIES: "0",
      JOB_RETRY_DELAY_MS: "5",
      ...env,
    },
  });
}

async function submit(text: string): Promise<string> {
  const response = await harness.app.inject({ method: "POST", url: "/v1/documents", payload: { text } });
  return response.json().id;
}

const onlyTask = async (jobId: string) => (await harness.services.store.listTasks(jobId, { limit: 1 }))[0];

describe("job runner", () => {
  it("tries a document again after a failure a retry can help", async () => {
    await start();
    harness.server.failNext({ status: 503 });
    const job = await submit("Une lettre de Lyon.");
    expect((await harness.services.jobs.whenSettled(job))?.state).toBe("done");
    expect(await onlyTask(job)).toMatchObject({ state: "done", attempts: 2 });
  });

  it("fails a document for good after JOB_ATTEMPTS, with the last error", async () => {
    await start({ JOB_ATTEMPTS: "2" });
    harness.server.failNext({ status: 503 }, { status: 503 }, { status: 503 });
    const job = await submit("Une autre lettre de Lyon.");
    await harness.services.jobs.whenSettled(job);
    expect(await onlyTask(job)).toMatchObject({
      state: "failed",
      attempts: 2,
      error: { code: "ENDPOINT_OVERLOADED", retryable: true },
    });
  });

  it("does not try again a document whose processing was interrupted JOB_ATTEMPTS times", async () => {
    await start({ JOB_ATTEMPTS: "2" });
    const { store, jobs } = harness.services;
    await store.putDocument({ id: "poison", byteLength: 1, createdAt: 0 });
    await store.createJob(
      { id: "crashy", kind: "document", state: "running", spec: { profile: "default" }, createdAt: 0 },
      [{ path: "poison.txt", documentId: "poison" }],
    );
    // Two processes died while reading it.
    for (const worker of ["dead-1", "dead-2"]) {
      await store.claimTask("crashy", worker, 0);
      await store.removeWorker(worker, 0);
    }
    await jobs.start();
    await jobs.whenSettled("crashy");
    expect(await onlyTask("crashy")).toMatchObject({
      state: "failed",
      error: { code: "DOCUMENT_INTERRUPTED" },
    });
    expect(harness.server.received.filter((r) => r.path === "/")).toHaveLength(0);
  });

  it("on start, takes up a batch whose unpacking a dead process left half done", async () => {
    await start();
    const { store, jobs, config } = harness.services;
    const archive = join(config.dataDir, "uploads", "interrupted.zip");
    await mkdir(dirname(archive), { recursive: true });
    await writeFile(
      archive,
      await buildZip([
        { name: "a.txt", data: "Lyon." },
        { name: "b.txt", data: "Lyon!" },
      ]),
    );
    await store.createJob({
      id: "half",
      kind: "batch",
      state: "unpacking",
      spec: { profile: "default", source: { kind: "archive", path: archive } },
      createdAt: 0,
    });
    await store.heartbeat({ id: "dead", host: hostname(), pid: 2 ** 22 + 1, heartbeatAt: 0 });
    await store.claimUnpacking("half", "dead");
    await jobs.start();
    expect(await jobs.whenSettled("half")).toMatchObject({ state: "done" });
    expect((await store.listTasks("half", { limit: 10 })).map((t) => [t.path, t.state])).toEqual([
      ["a.txt", "done"],
      ["b.txt", "done"],
    ]);
  });

  it("on stop, lets a document in progress finish within the grace period", async () => {
    await start({}, 150);
    const job = await submit("Lyon, le 4 mai 1791.");
    await until(async () => (await onlyTask(job))?.state === "running");
    await harness.services.jobs.stop(10_000);
    expect(await onlyTask(job)).toMatchObject({ state: "done", attempts: 1 });
  });

  it("on stop, puts back in the queue a document that does not finish within the grace period", async () => {
    await start();
    harness.server.failNext({ hang: true });
    const job = await submit("Lyon, le 5 mai 1791.");
    await until(() => harness.server.received.some((r) => r.path === "/"));
    await harness.services.jobs.stop(0);
    expect(await onlyTask(job)).toMatchObject({ state: "queued", attempts: 0 });
    expect(await harness.services.store.listWorkers(Date.now())).toEqual([]);
  });
});

/** Waits for `condition`, checked every few milliseconds. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}
