/**
 * The roles as commands, on the embedded store (one SQLite file, one machine): `serve --no-workers`
 * takes documents but processes none; a `palimpsest worker` beside it does, and leaves on SIGTERM.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { type ClusterProcess, startProcess, waitForJob } from "../support/cluster.js";
import { startTgiTestServer } from "../support/tgi-server.js";

describe("palimpsest worker and serve --no-workers", () => {
  const processes: ClusterProcess[] = [];
  afterAll(() => {
    for (const { child } of processes) child.kill("SIGKILL");
  });

  it("leaves the documents to the workers, which process them and stop gracefully", {
    timeout: 120_000,
  }, async () => {
    const model = await startTgiTestServer();
    try {
      const env = {
        DATA_DIR: await mkdtemp(join(tmpdir(), "roles-")),
        BLOOM_ENDPOINT_URL: model.url,
        BLOOM_SERVER: "tgi",
        AUTH: "off",
        LOG_LEVEL: "info",
      };
      const api = await startProcess("api", env);
      processes.push(api);
      const response = await fetch(`${api.url}/v1/documents`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "Jean Dupont, négociant à Lyon, le 5 mai 1791.",
      });
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      await sleep(2_000);
      const waiting = (await (await fetch(`${api.url}/v1/jobs/${id}`)).json()) as { state: string };
      expect(waiting.state).toBe("running");
      expect(model.received.filter((r) => r.method === "POST")).toHaveLength(0);

      const worker = await startProcess("worker", env);
      processes.push(worker);
      const job = await waitForJob(api.url as string, id);
      expect(job.state).toBe("done");
      expect(job.progress.documents.done).toBe(1);
      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
      expect(worker.logs.some((line) => line.msg === "worker stopped")).toBe(true);
    } finally {
      await model.close();
    }
  });
});
