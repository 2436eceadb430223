/**
 * `palimpsest worker`: processes the queued documents and batches of every process sharing the store,
 * without HTTP. Start as many as the model servers can keep busy, on any machine that reaches STORE_URL
 * (and the document bytes: BLOB_STORE). SIGTERM or SIGINT stops it gracefully: documents in progress
 * finish within SHUTDOWN_GRACE_MS or go back to the queue for another worker.
 */
import { modelServerName } from "../../endpoint/where.js";
import { createLogger } from "../../logger.js";
import { serveMetrics } from "../../observability/metrics-server.js";
import { startTracing } from "../../observability/tracing.js";
import { closeServices, createServices, warmUpModel } from "../../services.js";
import type { Command } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { stopOnSignals } from "../signals.js";

export const worker: Command = {
  name: "worker",
  summary: "process queued documents and batches, without HTTP (one or many, on machines sharing STORE_URL)",
  usage: `palimpsest worker
  With METRICS_PORT set, answers GET /metrics on HOST:METRICS_PORT (an admin key, or open mode).`,
  options: {},
  async run({ config }) {
    const logger = createLogger(config.logLevel);
    const tracing = await startTracing(config);
    const services = await createServices(config, logger);
    const { jobs } = services;
    const stopping = stopOnSignals(() => jobs.stop());
    let metrics: Awaited<ReturnType<typeof serveMetrics>> | undefined;
    try {
      // Its model calls and documents, for Prometheus (the API's GET /metrics), when METRICS_PORT asks.
      if (config.metrics && config.metricsPort !== undefined)
        metrics = await serveMetrics(services, config.metricsPort);
      await jobs.start();
      warmUpModel(services);
      logger.info({ worker: jobs.workerId, endpoint: modelServerName(config) }, "worker ready");
      await stopping.signalled;
      logger.info({ worker: jobs.workerId, signal: stopping.which }, "worker stopped");
      return EXIT.OK;
    } finally {
      stopping.dispose();
      await metrics?.close();
      await closeServices(services);
      await tracing?.shutdown();
    }
  },
};
