/**
 * Listing a job of 100,000 tasks in the PostgreSQL store, as the API pages through it: the first page,
 * a page deep in the job, a page of one state, the progress counts, and a claim, each timed (median of
 * RUNS) and shown with the plan PostgreSQL chose (EXPLAIN ANALYZE). Other jobs share the table, before
 * and after it, and the job is half done, as in a busy store.
 *
 *   npx tsx bench/postgres-listing.ts        # TASKS=100000 OTHER_TASKS=40000 RUNS=20
 *                                            # STORE_URL (default: the local test server)
 * Runs in a schema of its own, dropped at the end.
 */
import { randomBytes } from "node:crypto";
import { PgDatabase } from "../src/store/postgres/database.js";
import { countTasksStatement, listTasksStatement, type Statement } from "../src/store/postgres/listings.js";
import { PostgresStore } from "../src/store/postgres/postgres-store.js";

const TASKS = Number(process.env.TASKS ?? 100_000);
const OTHER_TASKS = Number(process.env.OTHER_TASKS ?? 40_000);
const RUNS = Number(process.env.RUNS ?? 20);
const STORE_URL = process.env.STORE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const PAGE = 50;

const schema = `bench_listing_${randomBytes(4).toString("hex")}`;
const db = await PgDatabase.open(STORE_URL, { schema });
const store = new PostgresStore(db);

const entries = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    path: `lot-${String(i).padStart(6, "0")}.xml`,
    documentId: "d",
  }));
const job = (id: string) => ({
  id,
  kind: "batch" as const,
  state: "running" as const,
  spec: { profile: "default" },
  createdAt: 1,
});

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

async function plan({ text, values }: Statement): Promise<string[]> {
  const rows = await db.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${text}`, values);
  return rows.map((row) => row["QUERY PLAN"]);
}

try {
  await store.putDocument({ id: "d", byteLength: 1, createdAt: 1 });
  await store.createJob(job("before"), entries(OTHER_TASKS / 2));
  let start = Date.now();
  await store.createJob(job("big"), entries(TASKS));
  const createMs = Date.now() - start;
  await store.createJob(job("after"), entries(OTHER_TASKS / 2));
  const [big] = await db.query<{ seq: number }>("SELECT seq FROM jobs WHERE id = 'big'");
  const seq = big?.seq as number;
  // Half the job done (set directly: completing 50,000 tasks one by one would only slow the setup), a
  // few tasks running.
  const [first] = await db.query<{ id: number }>("SELECT min(id) AS id FROM tasks WHERE job_seq = $1", [seq]);
  const firstId = first?.id as number;
  await db.query(
    "UPDATE tasks SET state = 'done', pages = 1, chunks = 2, model_calls = 2, finished_at = 2 WHERE job_seq = $1 AND id < $2",
    [seq, firstId + TASKS / 2],
  );
  for (let i = 0; i < 8; i++) await store.claimTask("big", "w", 3);
  start = Date.now();
  await db.query("ANALYZE tasks");

  const deepAfter = firstId + Math.floor(TASKS * 0.9) - 1;
  const cases: { name: string; run: () => Promise<unknown>; statement: Statement }[] = [
    {
      name: `first page (${PAGE})`,
      run: () => store.listTasks("big", { limit: PAGE }),
      statement: listTasksStatement(seq, { limit: PAGE }),
    },
    {
      name: `page after the ${Math.floor(TASKS * 0.9).toLocaleString("en")}th task`,
      run: () => store.listTasks("big", { limit: PAGE, after: deepAfter }),
      statement: listTasksStatement(seq, { limit: PAGE, after: deepAfter }),
    },
    {
      name: "running tasks (state filter, 8 of them)",
      run: () => store.listTasks("big", { limit: PAGE, state: "running" }),
      statement: listTasksStatement(seq, { limit: PAGE, state: "running" }),
    },
    {
      name: "queued tasks, first page (state filter, after 50,000 done)",
      run: () => store.listTasks("big", { limit: PAGE, state: "queued" }),
      statement: listTasksStatement(seq, { limit: PAGE, state: "queued" }),
    },
    {
      name: "countTasks (progress)",
      run: () => store.countTasks("big", 0),
      statement: countTasksStatement(seq),
    },
  ];
  console.log(
    `PostgreSQL store: a job of ${TASKS.toLocaleString("en")} tasks among ${(TASKS + OTHER_TASKS).toLocaleString("en")}` +
      ` (created in ${createMs} ms, one statement); medians of ${RUNS} runs\n`,
  );
  for (const { name, run, statement } of cases) {
    const ms = await timed(run);
    console.log(`${name.padEnd(60)} ${ms.toFixed(2).padStart(8)} ms`);
    for (const line of await plan(statement)) console.log(`    ${line}`);
  }
  const claim = await timed(async () => {
    const task = await store.claimTask("big", "bench", 3);
    if (task) await store.releaseTask(task.id, "bench", "queued", 3);
  });
  console.log(
    `${"claimTask + releaseTask (two transactions)".padEnd(60)} ${claim.toFixed(2).padStart(8)} ms`,
  );
} finally {
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await store.close();
}
