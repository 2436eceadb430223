/**
 * Backpressure and fairness: every job in the process shares the endpoint's one limit (with
 * synchronous extractions too), a single upload is served among a big batch's documents rather than
 * after them, and a cancelled batch stops.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TaskRecord } from "../../src/store/port.js";
import { buildZip } from "../support/archives.js";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";
import { multipartBody } from "../support/multipart.js";

let harness: Harness;
afterEach(() => harness.close());

const letter = (n: number) => `Lettre ${n}, écrite à Bordeaux le 2 mars 1790.`;

async function start(env: Record<string, string>, latencyMs: number) {
  harness = await startHarness({
    server: {
      latencyMs,
      maxConcurrentRequests: 2,
      respond: lexiconModel([{ type: "place", text: "Bordeaux" }]),
    },
    env: { DATA_DIR: await mkdtemp(join(tmpdir(), "fairness-")), MODEL_CONCURRENCY: "2", ...env },
  });
}

async function postBatch(count: number) {
  const zip = await buildZip(
    Array.from({ length: count }, (_, i) => ({ name: `${i}.txt`, data: letter(i) })),
  );
  const body = await multipartBody({ bytes: zip, filename: "batch.zip" });
  return (await harness.app.inject({ method: "POST", url: "/v1/batches", ...body })).json().id as string;
}

/** Resolves once `predicate` holds for the job's progress (checked at each of its changes). */
function until(jobId: string, predicate: (done: number) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = async () => {
      const counts = await harness.services.store.countTasks(jobId, 0);
      if (predicate(counts.byState.done)) {
        off();
        resolve();
      }
    };
    const off = harness.services.jobs.onChange((id) => id === jobId && void check());
  });
}

describe("jobs sharing one endpoint", () => {
  it("serve a single upload among a big batch's documents, and never exceed the endpoint's limit", async () => {
    await start({ JOB_CONCURRENCY: "2" }, 30);
    const claims: TaskRecord[] = [];
    const { store } = harness.services;
    const claim = store.claimTask.bind(store);
    store.claimTask = async (...args) => {
      const task = await claim(...args);
      if (task) claims.push(task);
      return task;
    };
    const big = await postBatch(40);
    await until(big, (done) => done >= 4);
    const submittedAt = claims.length;
    const single = (
      await harness.app.inject({ method: "POST", url: "/v1/documents", payload: { text: letter(99) } })
    ).json().id as string;
    // A synchronous extraction at the same time goes through the same limit.
    const direct = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      payload: { text: letter(100) },
    });
    expect(direct.statusCode).toBe(200);
    await harness.services.jobs.whenSettled(single);
    const position = claims.slice(submittedAt).findIndex((task) => task.jobId === single);
    // Round-robin: the next claim after the upload arrived is its (or, in a race, the one after).
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThanOrEqual(1);
    const bigLeft = await harness.services.store.countTasks(big, 0);
    expect(bigLeft.byState.queued).toBeGreaterThan(20);

    await harness.services.jobs.whenSettled(big);
    expect(harness.server.maxInFlight).toBe(2);
    const retried = harness.sleeps.length;
    expect(retried).toBe(0);
  });

  it("cancel a batch: what is queued is dropped, what runs is stopped, nothing more reaches the model", async () => {
    await start({ JOB_CONCURRENCY: "1", MODEL_CONCURRENCY: "1" }, 40);
    const big = await postBatch(30);
    await until(big, (done) => done >= 3);
    const cancel = await harness.app.inject({ method: "POST", url: `/v1/jobs/${big}/cancel` });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json()).toMatchObject({ state: "cancelled" });
    await harness.services.jobs.whenSettled(big);
    const afterCancel = harness.server.received.filter((r) => r.path === "/").length;
    const counts = (await harness.services.store.countTasks(big, 0)).byState;
    expect(counts.running + counts.queued).toBe(0);
    expect(counts.done + counts.cancelled).toBe(30);
    expect(counts.cancelled).toBeGreaterThan(20);
    // At most the call in flight at the cancel went out beyond the documents done.
    expect(afterCancel).toBeLessThanOrEqual(counts.done + 1);
    const view = (await harness.app.inject({ method: "GET", url: `/v1/batches/${big}` })).json();
    expect(view).toMatchObject({ state: "cancelled", progress: { documents: { total: 30 } } });
  });
});
