/**
 * Starts the API: configuration, services, app, job workers, listen; closes gracefully on SIGTERM/SIGINT
 * (requests in flight are finished, new connections refused, documents in progress finished or queued
 * again within SHUTDOWN_GRACE_MS). With `processDocuments: false` (serve --no-workers) the queued
 * documents are left to `palimpsest worker` processes sharing the store.
 */
import { buildApp } from "./app.js";
import type { Config } from "./config.js";
import { modelServerName } from "./endpoint/where.js";
import { createLogger } from "./logger.js";
import { startTracing } from "./observability/tracing.js";
import { createServices, warmUpModel } from "./services.js";

export async function startServer(config: Config, options: { processDocuments: boolean }): Promise<void> {
  const logger = createLogger(config.logLevel);
  const tracing = await startTracing(config);
  const services = await createServices(config, logger);
  const app = await buildApp(services);
  const close = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    await app.close();
    // The spans of the last documents, still buffered, before the process goes.
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once("SIGTERM", () => void close("SIGTERM"));
  process.once("SIGINT", () => void close("SIGINT"));
  // Jobs a previous run left unfinished (stopped, or killed) carry on.
  await services.jobs.start({ processDocuments: options.processDocuments });
  await app.listen({ port: config.port, host: config.host });
  warmUpModel(services);
  logger.info(
    {
      endpoint: modelServerName(config),
      server: config.serverKind,
      profiles: services.profiles.list().map((p) => p.name),
      processDocuments: options.processDocuments,
    },
    "Palimpsest is ready",
  );
}
