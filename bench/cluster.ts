/**
 * Model-slot occupancy of a cluster: one API process (`serve --no-workers`) and WORKERS `palimpsest
 * worker` processes on one PostgreSQL, against one TGI-protocol server that takes SLOTS calls at once
 * and answers each after LATENCY ms. A batch of DOCUMENTS one-chunk documents is uploaded; printed: the
 * share of the server's slots kept busy from the first call to the last (target >= 90%), the calls it
 * refused with 429 (target 0), the most it held at once, and documents per second against the ideal
 * (SLOTS / LATENCY).
 *
 *   npx tsx bench/cluster.ts      (needs PostgreSQL: TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test)
 * Environment: WORKERS (default 3), SLOTS (8), LATENCY (ms, 200), DOCUMENTS (600).
 */
import { buildZip } from "../test/support/archives.js";
import {
  type ClusterProcess,
  clusterEnv,
  countingModelServer,
  startProcess,
  waitForJob,
} from "../test/support/cluster.js";
import { dropTestSchemas, freshSchema, hasPostgres, POSTGRES_URL } from "../test/support/postgres.js";

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const WORKERS = setting("WORKERS", 3);
const SLOTS = setting("SLOTS", 8);
const LATENCY = setting("LATENCY", 200);
const DOCUMENTS = setting("DOCUMENTS", 600);

if (!hasPostgres) process.exit(1);
const model = await countingModelServer({ latencyMs: LATENCY, slots: SLOTS });
const env = clusterEnv({
  postgresUrl: POSTGRES_URL,
  schema: freshSchema(),
  modelUrl: model.server.url,
  extra: { MODEL_CONCURRENCY: String(SLOTS) },
});
const processes: ClusterProcess[] = [];
try {
  const api = await startProcess("api", env);
  processes.push(api);
  processes.push(...(await Promise.all(Array.from({ length: WORKERS }, () => startProcess("worker", env)))));
  const archive = await buildZip(
    Array.from({ length: DOCUMENTS }, (_, i) => ({
      name: `gazette/${String(i).padStart(5, "0")}.txt`,
      data: Buffer.from(`Gazette n° ${i}. Arrivé à Bordeaux le ${(i % 28) + 1} mars 1789, Jean Dupuy.`),
    })),
  );
  const started = performance.now();
  const response = await fetch(`${api.url}/v1/batches`, {
    method: "POST",
    headers: { "content-type": "application/zip" },
    body: archive,
  });
  const { id } = (await response.json()) as { id: string };
  const job = await waitForJob(api.url as string, id, () => {}, 30 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  const ideal = SLOTS / (LATENCY / 1000);
  console.log(
    `cluster: ${WORKERS} workers + 1 API on PostgreSQL, TGI test server ${SLOTS} slots x ${LATENCY} ms, ${DOCUMENTS} documents`,
  );
  console.log(
    `  job ${job.state}: ${job.progress.documents.done} done, ${job.progress.documents.failed} failed`,
  );
  console.log(`  model slots busy (first call to last): ${(model.occupancy() * 100).toFixed(1)}%`);
  console.log(`  refused with 429: ${model.refused()}; most calls held at once: ${model.server.maxInFlight}`);
  console.log(
    `  calls answered: ${model.answered()}; ${(DOCUMENTS / seconds).toFixed(1)} documents/s from upload to done (ideal ${ideal.toFixed(1)}/s)`,
  );
} finally {
  for (const { child } of processes) child.kill("SIGTERM");
  await Promise.all(processes.map((p) => p.exited));
  await model.server.close();
  await dropTestSchemas();
}
