/** Progress from the store's counts: documents by state, the recent rate, and the time left at that rate. */
import { describe, expect, it } from "vitest";
import { jobProgress } from "../../src/jobs/progress.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";

const result = {
  fingerprint: "f",
  profile: "default",
  extraction: "{}",
  name: "a.txt",
  mediaType: "text/plain",
  pages: 3,
  chunks: 2,
  mentions: 0,
  rejected: 0,
  modelCalls: 2,
};

describe("job progress", () => {
  it("counts documents, pages and chunks, and estimates the rate and the time left", async () => {
    const store = new SqliteStore(":memory:");
    await store.putDocument({ id: "d", byteLength: 1, createdAt: 0 });
    const tasks = Array.from({ length: 10 }, (_, i) => ({ path: `${i}`, documentId: "d" }));
    await store.createJob(
      { id: "j", kind: "batch", state: "running", spec: { profile: "default" }, createdAt: 0 },
      tasks,
    );
    expect(await jobProgress(store, "j", 1_000)).toEqual({
      documents: { total: 10, queued: 10, running: 0, retrying: 0, done: 0, failed: 0, cancelled: 0 },
      skipped: 0,
      pages: 0,
      chunks: 0,
      modelCalls: 0,
      reused: 0,
    });
    // Four documents done in the 8 seconds since the first started: 0.5 a second, 6 left, 12 seconds.
    for (let i = 0; i < 4; i++) {
      const task = await store.claimTask("j", "w", 10_000 + i * 2_000);
      await store.completeTask(task?.id as number, "w", { result }, 12_000 + i * 2_000);
    }
    const progress = await jobProgress(store, "j", 18_000);
    expect(progress).toMatchObject({
      documents: { total: 10, queued: 6, done: 4 },
      pages: 12,
      chunks: 8,
      modelCalls: 8,
      rate: 0.5,
      etaSeconds: 12,
    });
  });

  it("measures the rate over the last minute only, and says 0 when nothing is left", async () => {
    const store = new SqliteStore(":memory:");
    await store.putDocument({ id: "d", byteLength: 1, createdAt: 0 });
    await store.createJob(
      { id: "j", kind: "batch", state: "running", spec: { profile: "default" }, createdAt: 0 },
      [
        { path: "a", documentId: "d" },
        { path: "b", documentId: "d" },
      ],
    );
    const a = await store.claimTask("j", "w", 0);
    await store.completeTask(a?.id as number, "w", { result }, 1_000);
    // Long after: the old completion no longer counts, so there is no recent rate to extrapolate.
    const idle = await jobProgress(store, "j", 600_000);
    expect(idle.rate).toBeUndefined();
    expect(idle.etaSeconds).toBeUndefined();
    const b = await store.claimTask("j", "w", 600_000);
    await store.completeTask(b?.id as number, "w", { result }, 630_000);
    expect(await jobProgress(store, "j", 640_000)).toMatchObject({
      documents: { done: 2 },
      etaSeconds: 0,
      rate: 0.025,
    });
  });
});
