/**
 * The job runner while the model server is down (model-outage.ts), against the TGI test server taken
 * down and back: documents wait for it without counting attempts, until MODEL_DOWN_MAX_MS.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildZip } from "../support/archives.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

let harness: Harness;
afterEach(() => harness.close());

async function start(env: Record<string, string>) {
  harness = await startHarness({
    server: { latencyMs: 20, respond: lexiconModel([{ type: "place", text: "Lyon" }]) },
    env: {
      DATA_DIR: await mkdtemp(join(tmpdir(), "model-down-")),
      MODEL_RETRIES: "0",
      JOB_ATTEMPTS: "2",
      JOB_RETRY_DELAY_MS: "1",
      JOB_CONCURRENCY: "1",
      ...env,
    },
  });
}

async function submitBatch(documents: number): Promise<string> {
  const entries = Array.from({ length: documents }, (_, i) => ({
    name: `${i}.txt`,
    data: `Lyon, lettre ${i}.`,
  }));
  const response = await harness.app.inject({
    method: "POST",
    url: "/v1/batches",
    headers: { "content-type": "application/zip" },
    payload: await buildZip(entries),
  });
  expect(response.statusCode).toBe(202);
  return response.json().id;
}

const tasks = (jobId: string) => harness.services.store.listTasks(jobId, { limit: 100 });

describe("job runner, model server down", () => {
  it("waits for the server to come back: every document done, no attempt counted for the outage", async () => {
    await start({});
    const { jobs } = harness.services;
    const job = await submitBatch(6);
    await until(async () => (await tasks(job)).some((task) => task.state === "done"));
    await harness.server.close();
    await until(() => jobs.waitingForModelSince !== undefined);

    // Longer than JOB_ATTEMPTS retries take (1 ms, then 2 ms): nothing fails, nothing is claimed.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const during = await tasks(job);
    expect(during.filter((task) => ["failed", "retrying", "running"].includes(task.state))).toEqual([]);
    const view = await harness.app.inject({ url: `/v1/jobs/${job}` });
    expect(view.json().progress.waitingForModelSince).toBe(
      new Date(jobs.waitingForModelSince ?? 0).toISOString(),
    );

    await harness.server.reopen();
    expect(await jobs.whenSettled(job)).toMatchObject({ state: "done" });
    expect(jobs.waitingForModelSince).toBeUndefined();
    const after = await tasks(job);
    expect(after.map((task) => [task.state, task.attempts])).toEqual(after.map(() => ["done", 1]));
    expect((await harness.app.inject({ url: `/v1/jobs/${job}` })).json().progress).not.toHaveProperty(
      "waitingForModelSince",
    );
  });

  it("past MODEL_DOWN_MAX_MS, fails documents with the endpoint error after JOB_ATTEMPTS", async () => {
    await start({ MODEL_DOWN_MAX_MS: "1" });
    await harness.server.close();
    const job = await submitBatch(2);
    expect(await harness.services.jobs.whenSettled(job)).toMatchObject({ state: "done" });
    for (const task of await tasks(job))
      expect(task).toMatchObject({ state: "failed", attempts: 2, error: { code: "ENDPOINT_UNREACHABLE" } });
  });
});

/** Waits for `condition`, checked every few milliseconds. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}
