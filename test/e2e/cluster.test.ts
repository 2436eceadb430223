/**
 * Several processes on one PostgreSQL behave as one service: an API process and three workers, each with
 * a DATA_DIR of its own (as on machines sharing nothing else), a 300-document batch, one worker killed
 * with SIGKILL mid-run and another stopped with SIGTERM: every document done exactly once, none lost, and
 * the model server never sent more calls than it takes at once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { buildZip } from "../support/archives.js";
import {
  type ClusterProcess,
  clusterEnv,
  countingModelServer,
  startProcess,
  waitForJob,
} from "../support/cluster.js";
import {
  adminQuery,
  dropTestSchemas,
  freshDatabase,
  freshSchema,
  hasPostgres,
  openTestStore,
  POSTGRES_URL,
} from "../support/postgres.js";

const DOCUMENTS = 300;
/** Documents a worker has in flight: at most these are begun again after it is killed. */
const JOB_CONCURRENCY = 4;
const SLOTS = 6;

describe.skipIf(!hasPostgres)("a cluster of processes on one PostgreSQL", () => {
  const processes: ClusterProcess[] = [];
  afterAll(async () => {
    for (const { child } of processes) child.kill("SIGKILL");
    await dropTestSchemas();
  });

  it("does every document of a batch exactly once while workers die and stop", {
    timeout: 240_000,
  }, async () => {
    const model = await countingModelServer({ latencyMs: 40, slots: SLOTS });
    const schema = freshSchema();
    const env = clusterEnv({
      postgresUrl: POSTGRES_URL,
      schema,
      modelUrl: model.server.url,
      extra: {
        MODEL_CONCURRENCY: "8",
        JOB_CONCURRENCY: String(JOB_CONCURRENCY),
        SHUTDOWN_GRACE_MS: "20000",
        // The killed worker's slots come free after this long.
        MODEL_SLOT_LEASE_MS: "3000",
      },
    });
    try {
      const api = await startProcess("api", env);
      processes.push(api);
      const workers = await Promise.all([0, 1, 2].map(() => startProcess("worker", env)));
      processes.push(...workers);
      const [killed, stopped] = workers as [ClusterProcess, ClusterProcess, ClusterProcess];

      const members = Array.from({ length: DOCUMENTS }, (_, i) => ({
        name: `letters/${String(i).padStart(3, "0")}.txt`,
        data: Buffer.from(`Lettre ${i}. Jean Dupont écrit de Lyon, le ${(i % 28) + 1} mai 1791.`),
      }));
      const upload = await fetch(`${api.url}/v1/batches`, {
        method: "POST",
        headers: { "content-type": "application/zip" },
        body: await buildZip(members),
      });
      expect(upload.status).toBe(202);
      const { id } = (await upload.json()) as { id: string };
      // The API process does none of the work: its event stream follows the workers through the database.
      const events = eventStream(`${api.url}/v1/jobs/${id}/events`);

      const job = await waitForJob(api.url as string, id, async ({ progress }) => {
        const done = progress.documents.done ?? 0;
        if (done >= 60 && killed.child.exitCode === null && killed.child.signalCode === null)
          killed.child.kill("SIGKILL");
        if (done >= 150 && stopped.child.exitCode === null && !stopped.child.killed)
          stopped.child.kill("SIGTERM");
      });

      expect(job.state).toBe("done");
      const streamed = await events;
      expect(streamed.at(-1)).toMatchObject({ event: "end", data: { state: "done" } });
      expect(streamed.filter((e) => e.event === "progress").length).toBeGreaterThan(3);
      expect(job.progress.documents).toMatchObject({ total: DOCUMENTS, done: DOCUMENTS, failed: 0 });
      expect(await killed.exited).toBeNull();
      // SIGTERM: its documents finished (or went back to the queue), then it left with 0.
      expect(await stopped.exited).toBe(0);

      const store = await openTestStore({ schema });
      try {
        const tasks = await store.listTasks(id, { limit: DOCUMENTS + 1 });
        expect(tasks).toHaveLength(DOCUMENTS);
        expect(tasks.every((task) => task.state === "done" && task.resultId !== undefined)).toBe(true);
        expect(new Set(tasks.map((task) => task.documentId)).size).toBe(DOCUMENTS);
        // One result per document: none stored twice, whichever worker finished it.
        expect(new Set(tasks.map((task) => task.resultId)).size).toBe(DOCUMENTS);
        // Only the documents in flight in the killed worker were begun again.
        expect(tasks.filter((task) => task.attempts > 1).length).toBeLessThanOrEqual(JOB_CONCURRENCY);
      } finally {
        await store.close();
      }

      // Every document's prompt reached the model; again only for those the killed worker had in flight.
      const prompts = model.prompts();
      expect(new Set(prompts).size).toBe(DOCUMENTS);
      expect(prompts.length - DOCUMENTS).toBeLessThanOrEqual(JOB_CONCURRENCY);
      // One budget for the cluster: never a call past the server's slots, so never a 429.
      expect(model.server.maxInFlight).toBeLessThanOrEqual(SLOTS);
      expect(model.refused()).toBe(0);
    } finally {
      await model.server.close();
    }
  });

  it("stores one document when two API processes receive the same upload at once", {
    timeout: 120_000,
  }, async () => {
    const model = await countingModelServer({ latencyMs: 0, slots: 4 });
    const schema = freshSchema();
    const env = clusterEnv({ postgresUrl: POSTGRES_URL, schema, modelUrl: model.server.url });
    try {
      const apis = await Promise.all([startProcess("api", env), startProcess("api", env)]);
      processes.push(...apis);
      const body = "Marie Curval, veuve, demeurant à Nîmes, le 3 nivôse an II.";
      const answers = await Promise.all(
        apis.map((api) =>
          fetch(`${api.url}/v1/documents`, {
            method: "POST",
            headers: { "content-type": "text/plain" },
            body,
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
      const jobs = (await Promise.all(answers.map((answer) => answer.json()))) as {
        id: string;
        document: string;
      }[];
      expect(jobs[0]?.id).not.toBe(jobs[1]?.id);
      expect(jobs[0]?.document).toBe(jobs[1]?.document);
      const count = async (table: string) =>
        Number((await adminQuery<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".${table}`))[0]?.n);
      expect(await count("documents")).toBe(1);
      expect(await count("blobs")).toBe(1);
      expect(await count("jobs")).toBe(2);
      expect(await count("tasks")).toBe(2);
    } finally {
      await model.server.close();
    }
  });

  it("waits out a database that drops every connection during a batch, losing nothing", {
    timeout: 180_000,
  }, async () => {
    const model = await countingModelServer({ latencyMs: 20, slots: 4 });
    const database = await freshDatabase();
    const env = clusterEnv({
      postgresUrl: database.url,
      schema: "public",
      modelUrl: model.server.url,
      extra: { JOB_CONCURRENCY: "4" },
    });
    try {
      const api = await startProcess("api", env);
      const workers = await Promise.all([startProcess("worker", env), startProcess("worker", env)]);
      processes.push(api, ...workers);
      const count = 100;
      const upload = await fetch(`${api.url}/v1/batches`, {
        method: "POST",
        headers: { "content-type": "application/zip" },
        body: await buildZip(
          Array.from({ length: count }, (_, i) => ({
            name: `actes/${i}.txt`,
            data: Buffer.from(`Acte ${i}, passé devant Maître Lenoir à Reims le ${(i % 28) + 1} juin 1772.`),
          })),
        ),
      });
      const { id } = (await upload.json()) as { id: string };
      let cuts = 0;
      const job = await waitForJob(api.url as string, id, async ({ progress }) => {
        if (cuts < 2 && (progress.documents.done ?? 0) >= 30 * (cuts + 1)) {
          cuts++;
          // As a database restart does: every connection of every process dropped at once.
          await adminQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [
            database.name,
          ]);
        }
      });
      expect(cuts).toBe(2);
      expect(job.progress.documents).toMatchObject({ total: count, done: count, failed: 0 });
      const prompts = model.prompts();
      expect(new Set(prompts).size).toBe(count);
      // Nothing done twice: each document's prompt reached the model once.
      expect(prompts.length).toBe(count);
      expect(workers.every((worker) => worker.child.exitCode === null)).toBe(true);
      // The processes saw the database go and come back.
      const logged = (msg: string) => [api, ...workers].some((p) => p.logs.some((line) => line.msg === msg));
      expect(logged("the database is unreachable: work waits for it")).toBe(true);
      expect(logged("the database is reachable again")).toBe(true);
    } finally {
      for (const { child } of processes.splice(0)) child.kill("SIGKILL");
      await model.server.close();
      await database.drop();
    }
  });
});

/** The events of a job's event stream until its `end` event. */
async function eventStream(url: string): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const response = await fetch(url);
  const events: { event: string; data: Record<string, unknown> }[] = [];
  let buffered = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += Buffer.from(chunk).toString();
    const blocks = buffered.split("\n\n");
    buffered = blocks.pop() ?? "";
    for (const block of blocks) {
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
      if (event === "end") return events;
    }
  }
  return events;
}
