/**
 * The contract every store adapter must pass (see src/store/port.ts): run it with a factory that gives
 * a fresh, empty store, e.g. `storeContract("SQLite", () => new SqliteStore(":memory:"))`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_TENANT } from "../../src/auth/roles.js";
import type {
  KeyRecord,
  NewJob,
  NewResult,
  ReviewCounts,
  ReviewRecordRow,
  RevisionRow,
  Store,
  StoreChange,
} from "../../src/store/port.js";

const T0 = 1_000_000;
/** The tenant of jobs created without one. */
const TENANT = DEFAULT_TENANT;

const job = (id: string, overrides: Partial<NewJob> = {}): NewJob => ({
  id,
  kind: "batch",
  state: "running",
  spec: { profile: "default", language: "fr" },
  createdAt: T0,
  ...overrides,
});

const result = (overrides: Partial<NewResult> = {}): NewResult => ({
  fingerprint: "f1",
  profile: "default",
  extraction: '{"entities":[]}',
  name: "a.txt",
  mediaType: "text/plain",
  pages: 2,
  chunks: 3,
  mentions: 0,
  rejected: 0,
  modelCalls: 3,
  ...overrides,
});

/** Waits for `assertion` to pass: watchers may hear of a change after the call that made it returns. */
async function eventually(assertion: () => void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

export function storeContract(name: string, open: () => Store | Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      for (const id of ["d1", "d2", "d3"]) await store.putDocument({ id, byteLength: 10, createdAt: T0 });
    });
    afterEach(() => store.close());

    const tasksOf = (jobId: string) => store.listTasks(jobId, { limit: 100 });

    let jobs = 0;
    /** Stores a result of the document through a job of its own, as the runner does; answers its id. */
    const storeResult = async (documentId: string, overrides: Partial<NewResult> = {}, now = T0) => {
      const jobId = `result-${++jobs}`;
      await store.createJob(job(jobId), [{ path: "p", documentId }]);
      const task = await store.claimTask(jobId, "w", now);
      await store.completeTask(task?.id as number, "w", { result: result(overrides) }, now);
      return (await store.getTask(task?.id as number))?.resultId as number;
    };
    const latest = async (options: Partial<Parameters<Store["listLatestResults"]>[0]> = {}) =>
      (await store.listLatestResults({ tenant: TENANT, limit: 100, ...options })).results.map((r) => [
        r.documentId,
        r.profile,
      ]);

    it("keeps one document per content hash, the tenant's from its first job's task on it", async () => {
      await store.putDocument({ id: "d1", byteLength: 99, createdAt: T0 + 5 });
      expect(await store.getDocument("d1", TENANT)).toBeUndefined();
      await store.createJob(job("j", { createdAt: T0 + 7 }), [{ path: "a", documentId: "d1" }]);
      expect(await store.getDocument("d1", TENANT)).toEqual({ id: "d1", byteLength: 10, createdAt: T0 + 7 });
      expect(await store.getDocument("d1", "other")).toBeUndefined();
      expect(await store.getDocument("nope", TENANT)).toBeUndefined();
    });

    it("creates a job with its tasks, queued in source order", async () => {
      await store.createJob(job("j1", { key: "k" }), [
        { path: "a.txt", documentId: "d1" },
        { path: "b.txt", documentId: "d2" },
      ]);
      expect(await store.getJob("j1")).toMatchObject({ id: "j1", kind: "batch", state: "running", key: "k" });
      expect((await store.getJob("j1"))?.spec).toEqual({ profile: "default", language: "fr" });
      const tasks = await tasksOf("j1");
      expect(tasks.map((t) => [t.path, t.documentId, t.state, t.attempts])).toEqual([
        ["a.txt", "d1", "queued", 0],
        ["b.txt", "d2", "queued", 0],
      ]);
    });

    it("keeps the request id a job was created for, and none for a job without one", async () => {
      await store.createJob(job("asked", { requestId: "req-7f3:a.b" }));
      await store.createJob(job("unasked"));
      expect((await store.getJob("asked"))?.requestId).toBe("req-7f3:a.b");
      expect((await store.listJobs("running")).find((j) => j.id === "asked")?.requestId).toBe("req-7f3:a.b");
      expect(await store.getJob("unasked")).not.toHaveProperty("requestId");
    });

    it("finds the latest job of a resume key that was not cancelled", async () => {
      await store.createJob(job("old", { key: "k" }));
      await store.createJob(job("new", { key: "k" }));
      expect((await store.findJobByKey("k"))?.id).toBe("new");
      await store.cancelJob("new", T0);
      expect((await store.findJobByKey("k"))?.id).toBe("old");
      expect(await store.findJobByKey("other")).toBeUndefined();
    });

    it("lists recent jobs newest first, page by page, undisturbed by jobs created meanwhile", async () => {
      expect(await store.listRecentJobs({ tenant: TENANT, limit: 10 })).toEqual({ jobs: [] });
      for (const id of ["j1", "j2", "j3", "j4", "j5"]) await store.createJob(job(id));
      const all = await store.listRecentJobs({ tenant: TENANT, limit: 5 });
      expect(all.jobs.map((j) => j.id)).toEqual(["j5", "j4", "j3", "j2", "j1"]);
      expect(all.jobs[0]).toEqual(await store.getJob("j5"));
      expect(all.next).toBeUndefined();

      const first = await store.listRecentJobs({ tenant: TENANT, limit: 2 });
      expect(first.jobs.map((j) => j.id)).toEqual(["j5", "j4"]);
      await store.createJob(job("j6"));
      const second = await store.listRecentJobs({ tenant: TENANT, limit: 2, before: first.next as string });
      expect(second.jobs.map((j) => j.id)).toEqual(["j3", "j2"]);
      const third = await store.listRecentJobs({ tenant: TENANT, limit: 2, before: second.next as string });
      expect(third.jobs.map((j) => j.id)).toEqual(["j1"]);
      expect(third.next).toBeUndefined();
    });

    it("lists recent jobs of one kind or state, and refuses a cursor it did not give", async () => {
      await store.createJob(job("a", { kind: "document" }));
      await store.createJob(job("b", { kind: "batch", state: "done" }));
      await store.createJob(job("c", { kind: "cli" }));
      await store.createJob(job("d", { kind: "document", state: "done" }));
      const ids = async (options: Parameters<Store["listRecentJobs"]>[0]) =>
        (await store.listRecentJobs(options)).jobs.map((j) => j.id);
      expect(await ids({ tenant: TENANT, limit: 10, kind: "document" })).toEqual(["d", "a"]);
      expect(await ids({ tenant: TENANT, limit: 10, state: "done" })).toEqual(["d", "b"]);
      expect(await ids({ tenant: TENANT, limit: 10, kind: "document", state: "running" })).toEqual(["a"]);
      expect(await ids({ tenant: TENANT, limit: 10, kind: "batch", state: "running" })).toEqual([]);

      const first = await store.listRecentJobs({ tenant: TENANT, limit: 1, kind: "document" });
      expect(first.jobs.map((j) => j.id)).toEqual(["d"]);
      const last = await store.listRecentJobs({
        tenant: TENANT,
        limit: 1,
        kind: "document",
        before: first.next as string,
      });
      expect(last.jobs.map((j) => j.id)).toEqual(["a"]);
      expect(last.next).toBeUndefined();

      await expect(
        store.listRecentJobs({ tenant: TENANT, limit: 1, before: "not a cursor" }),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    });

    it("claims tasks in order, once each, only from running jobs", async () => {
      await store.createJob(job("j1"), [
        { path: "a", documentId: "d1" },
        { path: "b", documentId: "d2" },
      ]);
      await store.createJob(job("j2", { state: "unpacking" }), [{ path: "c", documentId: "d3" }]);
      const first = await store.claimTask("j1", "w1", T0 + 1);
      expect(first).toMatchObject({
        path: "a",
        state: "running",
        owner: "w1",
        attempts: 1,
        startedAt: T0 + 1,
      });
      expect((await store.claimTask("j1", "w2", T0))?.path).toBe("b");
      expect(await store.claimTask("j1", "w1", T0)).toBeUndefined();
      expect(await store.claimTask("j2", "w1", T0)).toBeUndefined();
    });

    it("never hands one task to two concurrent claims", async () => {
      const tasks = Array.from({ length: 10 }, (_, i) => ({ path: `p${i}`, documentId: "d1" }));
      await store.createJob(job("j1"), tasks);
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.claimTask("j1", `w${i % 3}`, T0)),
      );
      const claimed = claims.filter((t) => t !== undefined).map((t) => t.path);
      expect(claimed.sort()).toEqual(tasks.map((t) => t.path).sort());
    });

    it("completes a task with its result in one step, and the job with its last task", async () => {
      await store.createJob(job("j1"), [
        { path: "a", documentId: "d1" },
        { path: "b", documentId: "d2" },
      ]);
      const a = await store.claimTask("j1", "w1", T0);
      const b = await store.claimTask("j1", "w1", T0);
      expect(await store.completeTask(a?.id as number, "w2", { result: result() }, T0)).toBe(false);
      expect(await store.findResult("d1", "f1", TENANT)).toBeUndefined();

      expect(await store.completeTask(a?.id as number, "w1", { result: result() }, T0 + 10)).toBe(true);
      const done = await store.getTask(a?.id as number);
      expect(done).toMatchObject({ state: "done", pages: 2, chunks: 3, modelCalls: 3, reused: false });
      expect(done?.owner).toBeUndefined();
      expect(await store.getResult(done?.resultId as number)).toMatchObject({
        documentId: "d1",
        fingerprint: "f1",
        extraction: '{"entities":[]}',
      });
      expect((await store.getJob("j1"))?.state).toBe("running");

      await store.completeTask(b?.id as number, "w1", { result: result() }, T0 + 20);
      expect(await store.getJob("j1")).toMatchObject({ state: "done", finishedAt: T0 + 20 });
    });

    it("keeps the first result for a document and fingerprint; reuse copies its figures", async () => {
      await store.createJob(job("j1"), [
        { path: "a", documentId: "d1" },
        { path: "copy-of-a", documentId: "d1" },
        { path: "again", documentId: "d1" },
      ]);
      const [a, copy, again] = [
        await store.claimTask("j1", "w", T0),
        await store.claimTask("j1", "w", T0),
        await store.claimTask("j1", "w", T0),
      ];
      await store.completeTask(a?.id as number, "w", { result: result({ extraction: "first" }) }, T0);
      await store.completeTask(copy?.id as number, "w", { result: result({ extraction: "second" }) }, T0);
      const first = await store.findResult("d1", "f1", TENANT);
      expect(first?.extraction).toBe("first");
      expect((await store.getTask(copy?.id as number))?.resultId).toBe(first?.id);

      await store.completeTask(again?.id as number, "w", { reusedResultId: first?.id as number }, T0);
      expect(await store.getTask(again?.id as number)).toMatchObject({
        state: "done",
        reused: true,
        modelCalls: 0,
        pages: 2,
        chunks: 3,
        resultId: first?.id,
      });
    });

    it("retries a failed task after its delay, and fails it for good when told", async () => {
      await store.createJob(job("j1"), [{ path: "a", documentId: "d1" }]);
      const task = await store.claimTask("j1", "w", T0);
      const error = { code: "ENDPOINT_UNREACHABLE", message: "down", retryable: true };
      expect(await store.failTask(task?.id as number, "w", error, T0 + 100, T0)).toBe(true);
      expect(await store.getTask(task?.id as number)).toMatchObject({
        state: "retrying",
        error,
        notBefore: T0 + 100,
      });
      expect(await store.nextRetryAt(["j1"])).toBe(T0 + 100);
      expect(await store.claimTask("j1", "w", T0 + 99)).toBeUndefined();
      const again = await store.claimTask("j1", "w", T0 + 100);
      expect(again).toMatchObject({ id: task?.id, attempts: 2, state: "running" });

      await store.failTask(task?.id as number, "w", { ...error, retryable: false }, undefined, T0 + 200);
      expect(await store.getTask(task?.id as number)).toMatchObject({
        state: "failed",
        finishedAt: T0 + 200,
      });
      expect((await store.getJob("j1"))?.state).toBe("done");
      expect(await store.nextRetryAt(["j1"])).toBeUndefined();
    });

    it("puts a released task back in the queue as it was", async () => {
      await store.createJob(job("j1"), [{ path: "a", documentId: "d1" }]);
      const task = await store.claimTask("j1", "w", T0);
      expect(await store.releaseTask(task?.id as number, "other", "queued", T0)).toBe(false);
      expect(await store.releaseTask(task?.id as number, "w", "queued", T0)).toBe(true);
      expect(await store.getTask(task?.id as number)).toMatchObject({ state: "queued", attempts: 0 });
      expect((await store.claimTask("j1", "w2", T0))?.attempts).toBe(1);
    });

    it("cancels a job: waiting tasks at once, running ones when their worker lets go", async () => {
      await store.createJob(job("j1"), [
        { path: "a", documentId: "d1" },
        { path: "b", documentId: "d2" },
      ]);
      const running = await store.claimTask("j1", "w", T0);
      expect(await store.cancelJob("j1", T0 + 5)).toMatchObject({ state: "cancelled", finishedAt: T0 + 5 });
      expect((await tasksOf("j1")).map((t) => t.state)).toEqual(["running", "cancelled"]);
      expect(await store.claimTask("j1", "w", T0)).toBeUndefined();
      await store.releaseTask(running?.id as number, "w", "cancelled", T0 + 6);
      expect((await tasksOf("j1")).map((t) => t.state)).toEqual(["cancelled", "cancelled"]);
      expect(await store.cancelJob("nope", T0)).toBeUndefined();
    });

    it("unpacks under one worker at a time, scan after scan", async () => {
      await store.createJob(job("j1", { state: "unpacking" }));
      const scan = (await store.claimUnpacking("j1", "w1")) as number;
      expect(await store.claimUnpacking("j1", "w2")).toBeUndefined();
      expect(await store.upsertTask("j1", "a", "d1", scan)).toBe(true);
      expect(await store.upsertTask("j1", "a", "d2", scan)).toBe(false);
      expect(await store.upsertTask("j1", "b", "d2", scan)).toBe(true);
      await store.addSkipped("j1", { path: "x.exe", reason: "NOT_A_DOCUMENT", message: "no" }, scan);
      expect(await store.claimTask("j1", "w1", T0)).toBeUndefined();
      await store.finishUnpacking("j1", scan, T0);
      expect(await store.getJob("j1")).toMatchObject({ state: "running" });
      expect((await store.getJob("j1"))?.owner).toBeUndefined();

      const a = await store.claimTask("j1", "w1", T0);
      await store.completeTask(a?.id as number, "w1", { result: result() }, T0);
      const b = await store.claimTask("j1", "w1", T0);
      await store.failTask(
        b?.id as number,
        "w1",
        { code: "X", message: "m", retryable: true },
        undefined,
        T0,
      );
      expect((await store.getJob("j1"))?.state).toBe("done");

      // A second scan: "a" is unchanged (stays done), "b" was dropped from the source, "c" is new and
      // "x.exe" is no longer there.
      const next = (await store.claimUnpacking("j1", "w2")) as number;
      expect(next).toBeGreaterThan(scan);
      await store.upsertTask("j1", "a", "d1", next);
      await store.upsertTask("j1", "c", "d3", next);
      await store.finishUnpacking("j1", next, T0);
      expect((await tasksOf("j1")).map((t) => [t.path, t.state])).toEqual([
        ["a", "done"],
        ["c", "queued"],
      ]);
      expect(await store.listSkipped("j1", { limit: 10 })).toEqual([]);
      expect((await store.getJob("j1"))?.state).toBe("running");
    });

    it("starts a task over when its path holds other bytes, and retries retryable failures on a new scan", async () => {
      await store.createJob(job("j1", { state: "unpacking" }));
      const scan = (await store.claimUnpacking("j1", "w")) as number;
      await store.upsertTask("j1", "a", "d1", scan);
      await store.upsertTask("j1", "b", "d2", scan);
      await store.finishUnpacking("j1", scan, T0);
      const a = await store.claimTask("j1", "w", T0);
      await store.completeTask(a?.id as number, "w", { result: result() }, T0);
      const b = await store.claimTask("j1", "w", T0);
      await store.failTask(
        b?.id as number,
        "w",
        { code: "ENDPOINT_FAILED", message: "m", retryable: true },
        undefined,
        T0,
      );

      const next = (await store.claimUnpacking("j1", "w")) as number;
      await store.upsertTask("j1", "a", "d3", next);
      await store.upsertTask("j1", "b", "d2", next);
      await store.finishUnpacking("j1", next, T0);
      expect((await tasksOf("j1")).map((t) => [t.path, t.documentId, t.state, t.attempts])).toEqual([
        ["a", "d3", "queued", 0],
        ["b", "d2", "queued", 0],
      ]);
    });

    it("keeps a failure that a retry cannot help through a new scan", async () => {
      await store.createJob(job("j1"), [{ path: "a", documentId: "d1" }]);
      const a = await store.claimTask("j1", "w", T0);
      await store.failTask(
        a?.id as number,
        "w",
        { code: "EMPTY_DOCUMENT", message: "m", retryable: false },
        undefined,
        T0,
      );
      const next = (await store.claimUnpacking("j1", "w")) as number;
      await store.upsertTask("j1", "a", "d1", next);
      await store.finishUnpacking("j1", next, T0);
      expect((await tasksOf("j1")).map((t) => t.state)).toEqual(["failed"]);
      expect((await store.getJob("j1"))?.state).toBe("done");
    });

    it("fails a job as a whole, cancelling what was waiting", async () => {
      await store.createJob(job("j1", { state: "unpacking" }), [{ path: "a", documentId: "d1" }]);
      const error = { code: "ARCHIVE_LIMIT_EXCEEDED", message: "bomb", retryable: false };
      await store.failJob("j1", error, T0);
      expect(await store.getJob("j1")).toMatchObject({ state: "failed", error, finishedAt: T0 });
      expect((await tasksOf("j1")).map((t) => t.state)).toEqual(["cancelled"]);
    });

    it("counts a job's tasks for progress", async () => {
      await store.createJob(job("j1"), [
        { path: "a", documentId: "d1" },
        { path: "b", documentId: "d2" },
        { path: "c", documentId: "d3" },
      ]);
      await store.addSkipped("j1", { path: "z", reason: "NOT_A_DOCUMENT", message: "m" }, 0);
      const a = await store.claimTask("j1", "w", T0);
      await store.completeTask(a?.id as number, "w", { result: result() }, T0 + 50);
      await store.claimTask("j1", "w", T0 + 60);
      const counts = await store.countTasks("j1", T0);
      expect(counts).toMatchObject({
        byState: { queued: 1, running: 1, retrying: 0, done: 1, failed: 0, cancelled: 0 },
        skipped: 1,
        pages: 2,
        chunks: 3,
        modelCalls: 3,
        reused: 0,
        recent: { finished: 1, firstStartedAt: T0 },
      });
      expect((await store.countTasks("j1", T0 + 51)).recent.finished).toBe(0);
    });

    it("pages through a job's tasks and skipped entries", async () => {
      const tasks = Array.from({ length: 5 }, (_, i) => ({ path: `p${i}`, documentId: "d1" }));
      await store.createJob(job("j1"), tasks);
      const first = await store.listTasks("j1", { limit: 2 });
      const rest = await store.listTasks("j1", { limit: 10, after: first.at(-1)?.id as number });
      expect([...first, ...rest].map((t) => t.path)).toEqual(tasks.map((t) => t.path));
      await store.claimTask("j1", "w", T0);
      expect((await store.listTasks("j1", { limit: 10, state: "running" })).map((t) => t.path)).toEqual([
        "p0",
      ]);
      for (const path of ["b", "a", "c"])
        await store.addSkipped("j1", { path, reason: "R", message: "m" }, 0);
      expect((await store.listSkipped("j1", { limit: 2, offset: 1 })).map((s) => s.path)).toEqual(["b", "c"]);
    });

    it("finds a document's latest result, for a profile when asked", async () => {
      await store.createJob(job("j1"), [
        { path: "a", documentId: "d1" },
        { path: "b", documentId: "d1" },
      ]);
      const a = await store.claimTask("j1", "w", T0);
      const b = await store.claimTask("j1", "w", T0);
      await store.completeTask(
        a?.id as number,
        "w",
        { result: result({ fingerprint: "f1", profile: "default" }) },
        T0,
      );
      await store.completeTask(
        b?.id as number,
        "w",
        { result: result({ fingerprint: "f2", profile: "baptism" }) },
        T0,
      );
      expect((await store.latestResult("d1", TENANT))?.profile).toBe("baptism");
      expect((await store.latestResult("d1", TENANT, "default"))?.fingerprint).toBe("f1");
      expect(await store.latestResult("d2", TENANT)).toBeUndefined();
      expect((await store.listResults("d1", TENANT)).map((r) => r.fingerprint)).toEqual(["f1", "f2"]);
    });

    it("lists the latest result of each document and profile, newest first, with its figures", async () => {
      expect(await store.listLatestResults({ tenant: TENANT, limit: 10 })).toEqual({ results: [] });
      const figures = { name: "lettres/1790.pdf", mediaType: "application/pdf", mentions: 4, rejected: 1 };
      await storeResult("d1", { fingerprint: "f1", profile: "default" }, T0);
      await storeResult("d2", { fingerprint: "f1", profile: "default" }, T0 + 1);
      await storeResult("d1", { fingerprint: "f2", profile: "baptism" }, T0 + 2);
      // Run again with the same profile under other settings: still one entry, the newer result.
      const rerun = await storeResult("d1", { fingerprint: "f3", profile: "default", ...figures }, T0 + 3);

      const { results, next } = await store.listLatestResults({ tenant: TENANT, limit: 10 });
      expect(results.map((r) => [r.documentId, r.profile, r.fingerprint])).toEqual([
        ["d1", "default", "f3"],
        ["d1", "baptism", "f2"],
        ["d2", "default", "f1"],
      ]);
      expect(next).toBeUndefined();
      expect(results[0]).toEqual({
        id: rerun,
        tenant: TENANT,
        documentId: "d1",
        fingerprint: "f3",
        profile: "default",
        ...figures,
        pages: 2,
        chunks: 3,
        createdAt: T0 + 3,
      });
      expect((await store.listResults("d1", TENANT)).at(-1)).toEqual(results[0]);
      expect(await store.getResult(rerun)).toEqual({ ...results[0], extraction: '{"entities":[]}' });
    });

    it("pages the latest results by cursor: no pair twice, and one with a newer result moves ahead", async () => {
      for (const id of ["d4", "d5"]) await store.putDocument({ id, byteLength: 10, createdAt: T0 });
      for (const id of ["d1", "d2", "d3", "d4"]) await storeResult(id);
      const first = await store.listLatestResults({ tenant: TENANT, limit: 2 });
      expect(first.results.map((r) => r.documentId)).toEqual(["d4", "d3"]);

      await storeResult("d5");
      await storeResult("d4", { fingerprint: "f2" });
      await storeResult("d1", { fingerprint: "f2" });
      const second = await store.listLatestResults({
        tenant: TENANT,
        limit: 2,
        before: first.next as string,
      });
      expect(second.results.map((r) => r.documentId)).toEqual(["d2"]);
      expect(second.next).toBeUndefined();
      expect((await latest()).map(([document]) => document)).toEqual(["d1", "d4", "d5", "d3", "d2"]);

      await expect(
        store.listLatestResults({ tenant: TENANT, limit: 1, before: "not a cursor" }),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    });

    it("lists the latest results of one profile or media type, page by page", async () => {
      await storeResult("d1", { fingerprint: "f1", profile: "default" });
      await storeResult("d1", { fingerprint: "f2", profile: "baptism" });
      await storeResult("d2", { fingerprint: "f2", profile: "baptism", mediaType: "application/pdf" });
      expect(await latest({ profile: "baptism" })).toEqual([
        ["d2", "baptism"],
        ["d1", "baptism"],
      ]);
      expect(await latest({ mediaType: "application/pdf" })).toEqual([["d2", "baptism"]]);
      expect(await latest({ profile: "default", mediaType: "application/pdf" })).toEqual([]);
      expect(await latest({ profile: "unknown" })).toEqual([]);

      const first = await store.listLatestResults({ tenant: TENANT, limit: 1, profile: "baptism" });
      expect(first.results.map((r) => r.documentId)).toEqual(["d2"]);
      const last = await store.listLatestResults({
        tenant: TENANT,
        limit: 1,
        profile: "baptism",
        before: first.next as string,
      });
      expect(last.results.map((r) => r.documentId)).toEqual(["d1"]);
      expect(last.next).toBeUndefined();
    });

    it("finds names by a substring whatever its case, its characters taken literally", async () => {
      await storeResult("d1", { name: "Fonds/ÉTAT civil 1790.txt" });
      await storeResult("d2", { name: "registre_1790%.txt" });
      await storeResult("d3", { name: "registreX17905.txt" });
      const named = async (name: string) => (await latest({ name })).map(([document]) => document);
      expect(await named("état CIVIL")).toEqual(["d1"]);
      expect(await named("fonds/")).toEqual(["d1"]);
      // The same letters with the accent as a combining mark (as macOS names files in archives).
      expect(await named("E\u0301tat")).toEqual(["d1"]);
      expect(await named("e_1")).toEqual(["d2"]);
      expect(await named("0%")).toEqual(["d2"]);
      expect(await named("1790")).toEqual(["d3", "d2", "d1"]);
      expect(await named("%")).toEqual(["d2"]);
      expect(await named("lettre")).toEqual([]);
    });

    it("filters on the latest result of each pair, not on older ones", async () => {
      await storeResult("d1", { fingerprint: "f1", name: "ancien nom.txt" });
      await storeResult("d1", { fingerprint: "f2", name: "nouveau nom.txt" });
      expect(await latest({ name: "ancien" })).toEqual([]);
      expect(await latest({ name: "nouveau" })).toEqual([["d1", "default"]]);
    });

    /** A new job run to done, each task with a new result (fingerprinted by the job, so none is reused). */
    const finishedJob = async (jobId: string, documents: string[]) => {
      await store.createJob(
        job(jobId),
        documents.map((documentId, i) => ({ path: `p${i}`, documentId })),
      );
      for (let i = 0; i < documents.length; i++) {
        const task = await store.claimTask(jobId, "w", T0);
        await store.completeTask(task?.id as number, "w", { result: result({ fingerprint: jobId }) }, T0);
      }
      expect((await store.getJob(jobId))?.state).toBe("done");
    };

    it("deletes a finished job with its tasks and skipped entries, keeping documents and results", async () => {
      await finishedJob("j1", ["d1", "d2"]);
      await store.addSkipped("j1", { path: "x.exe", reason: "NOT_A_DOCUMENT", message: "m" }, 0);
      const [task] = await tasksOf("j1");
      expect(await store.deleteJob("j1")).toBe("deleted");
      expect(await store.getJob("j1")).toBeUndefined();
      expect(await tasksOf("j1")).toEqual([]);
      expect(await store.getTask(task?.id as number)).toBeUndefined();
      expect(await store.listSkipped("j1", { limit: 10 })).toEqual([]);
      expect((await store.listRecentJobs({ tenant: TENANT, limit: 10 })).jobs.map((j) => j.id)).not.toContain(
        "j1",
      );
      expect(await store.getDocument("d1", TENANT)).toBeDefined();
      expect((await store.findResult("d1", "j1", TENANT))?.id).toBe(task?.resultId);
      expect(await latest()).toEqual([
        ["d2", "default"],
        ["d1", "default"],
      ]);
      expect(await store.deleteJob("j1")).toBe("missing");
    });

    it("refuses to delete a job that has not finished, or whose task still runs after its cancel", async () => {
      await store.createJob(job("unpacking", { state: "unpacking" }));
      expect(await store.deleteJob("unpacking")).toBe("active");
      await store.createJob(job("j1"), [
        { path: "a", documentId: "d1" },
        { path: "b", documentId: "d2" },
      ]);
      expect(await store.deleteJob("j1")).toBe("active");
      const running = await store.claimTask("j1", "w", T0);
      await store.cancelJob("j1", T0);
      expect(await store.deleteJob("j1")).toBe("active");
      expect(await tasksOf("j1")).toHaveLength(2);
      await store.releaseTask(running?.id as number, "w", "cancelled", T0);
      expect(await store.deleteJob("j1")).toBe("deleted");
    });

    it("deletes a document with all its results and the tasks of finished jobs on it", async () => {
      await storeResult("d1", { fingerprint: "f1", profile: "default" });
      await storeResult("d1", { fingerprint: "f2", profile: "baptism" });
      await finishedJob("j1", ["d1", "d2"]);
      expect(await store.deleteDocument("d1", TENANT)).toEqual({ outcome: "deleted", orphaned: true });
      expect(await store.getDocument("d1", TENANT)).toBeUndefined();
      expect(await store.latestResult("d1", TENANT)).toBeUndefined();
      expect(await store.listResults("d1", TENANT)).toEqual([]);
      expect(await store.findResult("d1", "f1", TENANT)).toBeUndefined();
      expect(await latest()).toEqual([["d2", "default"]]);
      // The job stays, one document less; its progress counts what is left.
      expect((await tasksOf("j1")).map((t) => [t.path, t.documentId])).toEqual([["p1", "d2"]]);
      expect(await store.countTasks("j1", T0)).toMatchObject({
        byState: { queued: 0, running: 0, retrying: 0, done: 1, failed: 0, cancelled: 0 },
        pages: 2,
        chunks: 3,
        modelCalls: 3,
      });
      expect((await store.getJob("j1"))?.state).toBe("done");
      expect(await store.deleteDocument("d1", TENANT)).toEqual({ outcome: "missing" });
      // The same bytes stored again are a new document.
      await store.putDocument({ id: "d1", byteLength: 10, createdAt: T0 + 1 });
      await store.createJob(job("again", { createdAt: T0 + 1 }), [{ path: "p", documentId: "d1" }]);
      expect(await store.getDocument("d1", TENANT)).toEqual({ id: "d1", byteLength: 10, createdAt: T0 + 1 });
    });

    it("deletes a document's own document job with it, and keeps the batches it was in", async () => {
      await store.createJob(job("upload", { kind: "document" }), [{ path: "lettre.txt", documentId: "d1" }]);
      const task = await store.claimTask("upload", "w", T0);
      await store.completeTask(task?.id as number, "w", { result: result() }, T0);
      await finishedJob("batch", ["d1", "d2"]);
      expect(await store.deleteDocument("d1", TENANT)).toEqual({ outcome: "deleted", orphaned: true });
      expect(await store.getJob("upload")).toBeUndefined();
      expect((await tasksOf("batch")).map((t) => t.documentId)).toEqual(["d2"]);
    });

    it("refuses to delete a document that a job not finished has a task on, changing nothing", async () => {
      await storeResult("d1");
      await store.createJob(job("j1"), [
        { path: "a", documentId: "d2" },
        { path: "b", documentId: "d1" },
      ]);
      const inUse = { outcome: "in-use", jobId: "j1" };
      expect(await store.deleteDocument("d1", TENANT)).toEqual(inUse);
      await store.claimTask("j1", "w", T0);
      const running = await store.claimTask("j1", "w", T0);
      await store.cancelJob("j1", T0);
      // Cancelled, but its task on the document still runs: its worker may yet write a result.
      expect(await store.deleteDocument("d1", TENANT)).toEqual(inUse);
      expect(await store.listResults("d1", TENANT)).toHaveLength(1);
      expect(await tasksOf("j1")).toHaveLength(2);
      await store.releaseTask(running?.id as number, "w", "cancelled", T0);
      expect(await store.deleteDocument("d1", TENANT)).toEqual({ outcome: "deleted", orphaned: true });
      expect((await tasksOf("j1")).map((t) => t.documentId)).toEqual(["d2"]);
    });

    it("remembers a document's failure under its key, the first one kept, until the document goes", async () => {
      const corrupt = { code: "CORRUPT_DOCUMENT", message: "damaged", retryable: false };
      await store.rememberFailure("d1", "k1", corrupt, T0);
      await store.rememberFailure("d1", "k1", { ...corrupt, message: "later" }, T0 + 1);
      expect(await store.findFailure("d1", "k1")).toEqual(corrupt);
      expect(await store.findFailure("d1", "k2")).toBeUndefined();
      expect(await store.findFailure("d2", "k1")).toBeUndefined();
      await finishedJob("j1", ["d1"]);
      await store.deleteDocument("d1", TENANT);
      expect(await store.findFailure("d1", "k1")).toBeUndefined();
    });

    it("caches model responses, keeping the first value of a key", async () => {
      expect(await store.getCachedResponse("k")).toBeUndefined();
      await store.putCachedResponse("k", "v1", T0);
      await store.putCachedResponse("k", "v2", T0);
      expect(await store.getCachedResponse("k")).toBe("v1");
    });

    it("hands a dead worker's tasks back to the queue and releases its unpacking", async () => {
      await store.createJob(job("j1"), [
        { path: "a", documentId: "d1" },
        { path: "b", documentId: "d2" },
      ]);
      await store.createJob(job("j2"), [{ path: "c", documentId: "d3" }]);
      await store.createJob(job("j3", { state: "unpacking" }));
      await store.heartbeat({ id: "dead", host: "h", pid: 1, heartbeatAt: T0 });
      await store.heartbeat({ id: "dead", host: "h", pid: 1, heartbeatAt: T0 + 1 });
      const [listed, ...others] = await store.listWorkers(T0 + 1);
      expect(others).toEqual([]);
      expect(listed).toMatchObject({ id: "dead", host: "h", pid: 1, heartbeatAt: T0 + 1 });
      // Measured by the store's clock where it has one, by the caller's otherwise: never negative.
      expect(listed?.silentMs).toBeGreaterThanOrEqual(0);
      const a = await store.claimTask("j1", "dead", T0);
      const c = await store.claimTask("j2", "dead", T0);
      await store.claimUnpacking("j3", "dead");
      await store.cancelJob("j2", T0);

      expect(await store.removeWorker("dead", T0 + 2)).toBe(1);
      expect(await store.getTask(a?.id as number)).toMatchObject({ state: "queued", attempts: 1 });
      expect((await store.getTask(c?.id as number))?.state).toBe("cancelled");
      expect(await store.listWorkers(T0 + 2)).toEqual([]);
      expect(await store.claimUnpacking("j3", "alive")).toBeDefined();
    });

    it("measures a worker's silence from its last heartbeat, never negative", async () => {
      await store.heartbeat({ id: "w", host: "h", pid: 1, heartbeatAt: T0 });
      const silence = async (now: number) => (await store.listWorkers(now))[0]?.silentMs as number;
      const first = await silence(T0 + 20);
      expect(first).toBeGreaterThanOrEqual(0);
      await new Promise((resolve) => setTimeout(resolve, 60));
      // Later by the caller's clock and by any other: a longer silence.
      const later = await silence(T0 + 80);
      expect(later).toBeGreaterThan(first);
      await store.heartbeat({ id: "w", host: "h", pid: 1, heartbeatAt: T0 + 80 });
      expect(await silence(T0 + 80)).toBeLessThan(later);
    });

    it("tells watchers of the changes to a job and of work to claim, once made, until they stop", async () => {
      const heard: StoreChange[] = [];
      const stop = store.watch((change) => heard.push(change));
      const hears = (...changes: StoreChange[]) =>
        eventually(() => expect(heard).toEqual(expect.arrayContaining(changes)));

      await store.createJob(job("j1"), [
        { path: "a", documentId: "d1" },
        { path: "b", documentId: "d2" },
      ]);
      await hears({ kind: "job", jobId: "j1" }, { kind: "work" });
      heard.length = 0;
      const a = await store.claimTask("j1", "w", T0);
      await hears({ kind: "job", jobId: "j1" });
      heard.length = 0;
      await store.releaseTask(a?.id as number, "w", "queued", T0);
      await hears({ kind: "job", jobId: "j1" }, { kind: "work" });

      // A transition refused (not the owner) changes nothing: nothing is heard of j1 before j2.
      heard.length = 0;
      const b = await store.claimTask("j1", "w", T0);
      await hears({ kind: "job", jobId: "j1" });
      heard.length = 0;
      expect(await store.completeTask(b?.id as number, "other", { result: result() }, T0)).toBe(false);
      await store.createJob(job("j2"));
      await hears({ kind: "job", jobId: "j2" });
      expect(heard).not.toContainEqual({ kind: "job", jobId: "j1" });

      await store.cancelJob("j1", T0);
      await hears({ kind: "job", jobId: "j1" });

      // Stopped: a watcher still there hears of j3, the stopped one no more.
      const others: StoreChange[] = [];
      store.watch((change) => others.push(change));
      stop();
      heard.length = 0;
      await store.createJob(job("j3"));
      await eventually(() => expect(others).toContainEqual({ kind: "job", jobId: "j3" }));
      expect(heard).toEqual([]);
    });

    it("counts a crash on a dead worker's task only once its work had started, and none on release", async () => {
      await store.createJob(job("j1"), [
        { path: "a", documentId: "d1" },
        { path: "b", documentId: "d2" },
        { path: "c", documentId: "d3" },
      ]);
      const claim = async (worker: string) => (await store.claimTask("j1", worker, T0))?.id as number;
      const [a, b, c] = [await claim("dead"), await claim("dead"), await claim("alive")];
      expect(await store.startTask(a, "other")).toBe(false);
      expect(await store.startTask(a, "dead")).toBe(true);
      expect(await store.startTask(c, "alive")).toBe(true);
      // Put back by a shutdown: not a crash, and its start is forgotten with its claim.
      await store.releaseTask(c, "alive", "queued", T0);

      await store.removeWorker("dead", T0 + 1);
      expect(await store.getTask(a)).toMatchObject({ state: "queued", attempts: 1, crashes: 1 });
      // Claimed but held back: the death is not its doing.
      expect(await store.getTask(b)).toMatchObject({ state: "queued", attempts: 1, crashes: 0 });
      expect(await store.getTask(c)).toMatchObject({ state: "queued", attempts: 0, crashes: 0 });

      // A second claim starts afresh: dying again before its work starts adds nothing.
      expect(await claim("dead2")).toBe(a);
      await store.removeWorker("dead2", T0 + 2);
      expect(await store.getTask(a)).toMatchObject({ attempts: 2, crashes: 1 });
    });

    /** A finished job of `tenant` over d1 with one result under `fingerprint`; answers the result's id. */
    const tenantResult = async (tenant: string, jobId: string, fingerprint = "f1") => {
      await store.createJob(job(jobId, { tenant }), [{ path: `${tenant}.txt`, documentId: "d1" }]);
      const task = await store.claimTask(jobId, "w", T0);
      await store.completeTask(
        task?.id as number,
        "w",
        { result: result({ fingerprint, name: `${tenant}.txt` }) },
        T0,
      );
      return (await store.getTask(task?.id as number))?.resultId as number;
    };

    it("gives each tenant its own view of the same bytes: results, listings, jobs", async () => {
      const a = await tenantResult("a", "ja");
      const b = await tenantResult("b", "jb");
      expect(a).not.toBe(b);
      expect((await store.getJob("ja"))?.tenant).toBe("a");
      expect((await store.findResult("d1", "f1", "a"))?.id).toBe(a);
      expect((await store.findResult("d1", "f1", "b"))?.id).toBe(b);
      expect(await store.findResult("d1", "f1", "c")).toBeUndefined();
      expect((await store.getResult(b))?.tenant).toBe("b");
      expect((await store.latestResult("d1", "b"))?.name).toBe("b.txt");
      expect((await store.listResults("d1", "a")).map((r) => r.id)).toEqual([a]);
      const names = async (tenant: string) =>
        (await store.listLatestResults({ tenant, limit: 10 })).results.map((r) => r.name);
      expect([await names("a"), await names("b"), await names("c")]).toEqual([["a.txt"], ["b.txt"], []]);
      const jobs = async (tenant: string) =>
        (await store.listRecentJobs({ tenant, limit: 10 })).jobs.map((j) => j.id);
      expect([await jobs("a"), await jobs("b")]).toEqual([["ja"], ["jb"]]);
      expect(await store.getDocument("d1", "c")).toBeUndefined();
    });

    it("deletes one tenant's document, leaving another's with the same bytes; the last one frees them", async () => {
      await tenantResult("a", "ja");
      await tenantResult("b", "jb");
      expect(await store.deleteDocument("d1", "c")).toEqual({ outcome: "missing" });
      expect(await store.deleteDocument("d1", "a")).toEqual({ outcome: "deleted", orphaned: false });
      expect(await store.getDocument("d1", "a")).toBeUndefined();
      expect(await store.latestResult("d1", "a")).toBeUndefined();
      expect(await store.getJob("ja")).toBeDefined();
      expect(await tasksOf("ja")).toEqual([]);
      expect((await store.latestResult("d1", "b"))?.name).toBe("b.txt");
      expect((await tasksOf("jb")).map((t) => t.state)).toEqual(["done"]);
      expect(await store.deleteDocument("d1", "b")).toEqual({ outcome: "deleted", orphaned: true });
    });

    it("refuses to delete a tenant's document only for that tenant's unfinished jobs", async () => {
      await tenantResult("a", "ja");
      await store.createJob(job("jb", { tenant: "b" }), [{ path: "b.txt", documentId: "d1" }]);
      expect(await store.deleteDocument("d1", "b")).toEqual({ outcome: "in-use", jobId: "jb" });
      expect(await store.deleteDocument("d1", "a")).toEqual({ outcome: "deleted", orphaned: false });
    });

    it("counts the bytes a tenant keeps, each document once, and a key's jobs not finished", async () => {
      await store.createJob(job("j1", { tenant: "a", createdBy: "k1" }), [
        { path: "x", documentId: "d1" },
        { path: "y", documentId: "d1" },
        { path: "z", documentId: "d2" },
      ]);
      await store.createJob(job("j2", { tenant: "a", createdBy: "k1", state: "done" }));
      await store.createJob(job("j3", { tenant: "a", createdBy: "k2", state: "unpacking" }));
      await store.upsertTask("j3", "w", "d3", 1);
      expect(await store.storedBytes("a")).toBe(30);
      expect(await store.storedBytes("b")).toBe(0);
      expect(await store.countActiveJobs("k1")).toBe(1);
      expect(await store.countActiveJobs("k2")).toBe(1);
      expect(await store.countActiveJobs("k3")).toBe(0);
      expect((await store.getJob("j1"))?.createdBy).toBe("k1");
    });

    const key = (id: string, overrides: Partial<KeyRecord> = {}): KeyRecord => ({
      id,
      tenant: "a",
      role: "reader",
      hash: `hash-${id}`,
      createdAt: T0,
      ...overrides,
    });

    it("keeps API keys by hash, and revokes them for good", async () => {
      expect(await store.hasKeys()).toBe(false);
      await store.createKey(key("k1", { name: "lab" }));
      await store.createKey(key("k2", { role: "admin", tenant: "b", createdAt: T0 + 1 }));
      expect(await store.hasKeys()).toBe(true);
      expect(await store.getKey("k1")).toEqual(key("k1", { name: "lab" }));
      expect(await store.getKey("nope")).toBeUndefined();
      expect(await store.revokeKey("k1", T0 + 5)).toBe(true);
      expect(await store.revokeKey("k1", T0 + 6)).toBe(false);
      expect(await store.revokeKey("nope", T0 + 6)).toBe(false);
      expect((await store.listKeys()).map((k) => [k.id, k.revokedAt])).toEqual([
        ["k1", T0 + 5],
        ["k2", undefined],
      ]);
      // Revoking every key does not make the store keyless.
      await store.revokeKey("k2", T0 + 7);
      expect(await store.hasKeys()).toBe(true);
    });

    it("finds a session while it and its key are valid, and forgets expired ones", async () => {
      await store.createKey(key("k1"));
      await store.createSession({ hash: "s1", keyId: "k1", createdAt: T0, expiresAt: T0 + 100 });
      expect((await store.findSession("s1", T0 + 99))?.id).toBe("k1");
      expect(await store.findSession("s1", T0 + 100)).toBeUndefined();
      expect(await store.findSession("s2", T0)).toBeUndefined();
      await store.createSession({ hash: "s2", keyId: "k1", createdAt: T0 + 200, expiresAt: T0 + 300 });
      // s1 expired before s2 was made: gone even for a clock turned back.
      expect(await store.findSession("s1", T0)).toBeUndefined();
      await store.deleteSession("s2");
      expect(await store.findSession("s2", T0 + 250)).toBeUndefined();
      await store.createSession({ hash: "s3", keyId: "k1", createdAt: T0 + 200, expiresAt: T0 + 300 });
      await store.revokeKey("k1", T0 + 210);
      expect(await store.findSession("s3", T0 + 220)).toBeUndefined();
    });

    /** A record of the default tenant at `revision`, built on `resultId`, with these counts. */
    const review = (
      documentId: string,
      resultId: number,
      revision: number,
      counts: Partial<ReviewCounts> = {},
      overrides: Partial<ReviewRecordRow> = {},
    ): ReviewRecordRow => {
      const all = { unreviewed: 0, confirmed: 0, corrected: 0, added: 0, rejected: 0, ...counts };
      return {
        tenant: TENANT,
        documentId,
        profile: "default",
        resultId,
        revision,
        mentions: `[{"revision":${revision}}]`,
        counts: all,
        state: all.unreviewed === 0 ? "reviewed" : "in-progress",
        createdAt: T0,
        updatedAt: T0 + revision,
        ...overrides,
      };
    };
    const revisionRow = (revision: number, editor = "ada"): RevisionRow => ({
      revision,
      editor,
      kind: "confirm",
      createdAt: T0 + revision,
      change: `{"changes":[${revision}]}`,
    });

    it("saves a record only onto the revision its writer read, and keeps every revision", async () => {
      const resultId = await storeResult("d1", { mentions: 3 });
      expect(await store.getReview("d1", TENANT, "default")).toBeUndefined();
      expect(await store.listRevisions("d1", TENANT, "default")).toEqual([]);
      expect(
        await store.saveReview(review("d1", resultId, 1, { unreviewed: 2, confirmed: 1 }), revisionRow(1)),
      ).toBe(true);
      // Another editor who also read no record, and one who skips a revision: refused, nothing changes.
      expect(await store.saveReview(review("d1", resultId, 1, { rejected: 3 }), revisionRow(1, "bob"))).toBe(
        false,
      );
      expect(await store.saveReview(review("d1", resultId, 3), revisionRow(3))).toBe(false);
      expect(await store.getReview("d1", TENANT, "default")).toEqual(
        review("d1", resultId, 1, { unreviewed: 2, confirmed: 1 }),
      );
      expect(await store.saveReview(review("d1", resultId, 2, { confirmed: 3 }), revisionRow(2, "bob"))).toBe(
        true,
      );
      expect(await store.getReview("d1", TENANT, "default")).toMatchObject({
        revision: 2,
        state: "reviewed",
        counts: { confirmed: 3, unreviewed: 0 },
        mentions: '[{"revision":2}]',
        createdAt: T0,
        updatedAt: T0 + 2,
      });
      expect(await store.listRevisions("d1", TENANT, "default")).toEqual([
        revisionRow(1),
        revisionRow(2, "bob"),
      ]);
      // Records are the tenant's, per profile.
      expect(await store.getReview("d1", "other", "default")).toBeUndefined();
      expect(await store.getReview("d1", TENANT, "baptism")).toBeUndefined();
    });

    it("lets one of two editors saving the same revision at once win", async () => {
      const resultId = await storeResult("d1");
      await store.saveReview(review("d1", resultId, 1), revisionRow(1));
      const saved = await Promise.all(
        ["ada", "bob", "cy"].map((editor) =>
          store.saveReview(review("d1", resultId, 2), revisionRow(2, editor)),
        ),
      );
      expect(saved.filter(Boolean)).toHaveLength(1);
      expect((await store.listRevisions("d1", TENANT, "default")).map((r) => r.revision)).toEqual([1, 2]);
    });

    it("lists documents by review state and gives the figures of their records", async () => {
      const first = await storeResult("d1", { mentions: 4 });
      await storeResult("d2", { mentions: 2 });
      const third = await storeResult("d3", { mentions: 1 });
      await store.saveReview(review("d1", first, 1, { unreviewed: 3, rejected: 1 }), revisionRow(1));
      await store.saveReview(review("d3", third, 1, { confirmed: 1 }), revisionRow(1));
      expect(await latest({ review: "in-progress" })).toEqual([["d1", "default"]]);
      expect(await latest({ review: "reviewed" })).toEqual([["d3", "default"]]);
      expect(await latest({ review: "unreviewed" })).toEqual([["d2", "default"]]);
      expect(await latest({ review: "reviewed", mediaType: "application/pdf" })).toEqual([]);
      const summaries = await store.reviewSummaries(TENANT, [
        { documentId: "d1", profile: "default" },
        { documentId: "d2", profile: "default" },
        { documentId: "d3", profile: "baptism" },
      ]);
      expect(summaries).toEqual([
        {
          documentId: "d1",
          profile: "default",
          resultId: first,
          revision: 1,
          state: "in-progress",
          counts: { unreviewed: 3, confirmed: 0, corrected: 0, added: 0, rejected: 1 },
          createdAt: T0,
          updatedAt: T0 + 1,
        },
      ]);
      expect(await store.reviewSummaries("other", [{ documentId: "d1", profile: "default" }])).toEqual([]);
      expect(await store.reviewSummaries(TENANT, [])).toEqual([]);
    });

    it("adds up the review of a job's documents done, a document without a record all unreviewed", async () => {
      await store.createJob(job("j"), [
        { path: "a", documentId: "d1" },
        { path: "b", documentId: "d2" },
        { path: "c", documentId: "d3" },
      ]);
      const done = async (mentions: number) => {
        const task = await store.claimTask("j", "w", T0);
        await store.completeTask(task?.id as number, "w", { result: result({ mentions }) }, T0);
        return (await store.getTask(task?.id as number))?.resultId as number;
      };
      const first = await done(4);
      await done(2);
      await store.saveReview(
        review("d1", first, 1, { unreviewed: 1, confirmed: 2, added: 1, rejected: 1 }),
        revisionRow(1),
      );
      expect(await store.jobReviewCounts("j")).toEqual({
        unreviewed: 3,
        confirmed: 2,
        corrected: 0,
        added: 1,
        rejected: 1,
        documents: { unreviewed: 1, "in-progress": 1, reviewed: 0 },
      });
      expect((await store.jobReviewCounts("missing")).documents).toEqual({
        unreviewed: 0,
        "in-progress": 0,
        reviewed: 0,
      });
    });

    it("deletes a document's records and their revisions with it, another tenant's kept", async () => {
      const a = await tenantResult("a", "ja");
      const b = await tenantResult("b", "jb");
      await store.saveReview(review("d1", a, 1, {}, { tenant: "a" }), revisionRow(1));
      await store.saveReview(review("d1", b, 1, {}, { tenant: "b" }), revisionRow(1));
      expect(await store.deleteDocument("d1", "a")).toEqual({ outcome: "deleted", orphaned: false });
      expect(await store.getReview("d1", "a", "default")).toBeUndefined();
      expect(await store.listRevisions("d1", "a", "default")).toEqual([]);
      expect((await store.getReview("d1", "b", "default"))?.resultId).toBe(b);
      expect(await store.listRevisions("d1", "b", "default")).toHaveLength(1);
      expect(await store.deleteDocument("d1", "b")).toEqual({ outcome: "deleted", orphaned: true });
    });

    it("adds up a key's OCR pages per day", async () => {
      await store.createKey(key("k1"));
      expect(await store.ocrPages("k1", "2030-01-01")).toBe(0);
      await store.addOcrPages("k1", "2030-01-01", 3);
      await store.addOcrPages("k1", "2030-01-01", 4);
      await store.addOcrPages("k1", "2030-01-02", 1);
      expect(await store.ocrPages("k1", "2030-01-01")).toBe(7);
      expect(await store.ocrPages("k1", "2030-01-02")).toBe(1);
    });
  });
}
