/**
 * Palimpsest as a cluster, on one machine: API and worker processes (the real `palimpsest serve
 * --no-workers` and `palimpsest worker`, each with a DATA_DIR of its own, as if on machines that share
 * nothing but PostgreSQL) on one store, against a TGI-protocol server that counts what it serves.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CLI } from "./cli.js";
import { freePort } from "./free-port.js";
import { startTgiTestServer, type TgiTestServer } from "./tgi-server.js";

export interface ClusterProcess {
  child: ChildProcess;
  /** The API's base URL (API processes only). */
  url?: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Log lines written so far, parsed. */
  logs: Record<string, unknown>[];
}

/** Settings every process of the cluster shares: the store, the blob store and the model server. */
export function clusterEnv(options: {
  postgresUrl: string;
  schema: string;
  modelUrl: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    STORE_URL: options.postgresUrl,
    STORE_SCHEMA: options.schema,
    BLOB_STORE: "postgres",
    BLOOM_ENDPOINT_URL: options.modelUrl,
    BLOOM_SERVER: "tgi",
    AUTH: "off",
    LOG_LEVEL: "info",
    ...options.extra,
  };
}

/** Starts `palimpsest serve --no-workers` or `palimpsest worker`; resolves once it is ready. */
export async function startProcess(
  role: "api" | "worker",
  env: Record<string, string>,
): Promise<ClusterProcess> {
  const port = role === "api" ? await freePort() : undefined;
  const args = role === "api" ? ["serve", "--no-workers"] : ["worker"];
  const child = spawn(process.execPath, [...CLI, ...args], {
    env: {
      ...process.env,
      DATA_DIR: await mkdtemp(join(tmpdir(), `cluster-${role}-`)),
      ...(port === undefined ? {} : { PORT: String(port) }),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let rest = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = role === "api" ? "Palimpsest is ready" : "worker ready";
  for (let tries = 0; tries < 600; tries++) {
    if (logs.some((line) => line.msg === ready)) break;
    if (child.exitCode !== null) throw new Error(`palimpsest ${args.join(" ")} exited: ${stderr}`);
    await sleep(100);
  }
  if (!logs.some((line) => line.msg === ready)) {
    child.kill("SIGKILL");
    throw new Error(`palimpsest ${args.join(" ")} did not start: ${stderr}`);
  }
  return { child, exited, logs, ...(port === undefined ? {} : { url: `http://127.0.0.1:${port}` }) };
}

/** A TGI-protocol server that records when each generation ends and counts the ones it refused (429). */
export async function countingModelServer(options: { latencyMs: number; slots: number }) {
  const ends: number[] = [];
  const server: TgiTestServer = await startTgiTestServer({
    latencyMs: options.latencyMs,
    maxConcurrentRequests: options.slots,
    respond: () => {
      ends.push(performance.now());
      return '{"entities": []}';
    },
  });
  // TGI's native routes: "/" (what the client library calls) and "/generate".
  const generations = () =>
    server.received.filter((r) => r.method === "POST" && (r.path === "/" || r.path === "/generate"));
  return {
    server,
    /** Generation requests received, answered or not. */
    received: () => generations().length,
    /** The prompts of the generation requests, in order. */
    prompts: () => generations().map((r) => (r.body as { inputs: string }).inputs),
    answered: () => ends.length,
    /** Requests refused because the server was full (TGI's 429). */
    refused: () => generations().length - ends.length,
    /** Share of the server's slots busy between the first generation's start and the last one's end. */
    occupancy: () => {
      if (ends.length === 0) return 0;
      const span = (Math.max(...ends) - Math.min(...ends) + options.latencyMs) / 1000;
      return (ends.length * options.latencyMs) / 1000 / (options.slots * span);
    },
  };
}

/** Polls the API for the job until it is done (or failed, cancelled); its last view. */
export async function waitForJob(
  apiUrl: string,
  jobId: string,
  onProgress: (job: JobView) => Promise<void> | void = () => {},
  timeoutMs = 180_000,
): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = (await (await fetch(`${apiUrl}/v1/jobs/${jobId}`)).json()) as JobView;
    await onProgress(job);
    if (job.state !== "running" && job.state !== "unpacking") return job;
    await sleep(100);
  }
  throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms`);
}

export interface JobView {
  id: string;
  state: string;
  progress: { documents: Record<string, number> & { total: number }; modelCalls: number };
}
