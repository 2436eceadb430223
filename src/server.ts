/**
 * Starts the API: configuration, services, app, job workers, listen; closes gracefully on SIGTERM/SIGINT
 * (requests in flight are finished, new connections refused, documents in progress finished or queued
 * again within SHUTDOWN_GRACE_MS).
 */
import { buildApp } from "./app.js";
import type { Config } from "./config.js";
import { modelServerName, runsEmbedded } from "./endpoint/where.js";
import { createLogger } from "./logger.js";
import { createServices } from "./services.js";

export async function startServer(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const services = await createServices(config, logger);
  const app = await buildApp(services);
  const close = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    await app.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void close("SIGTERM"));
  process.once("SIGINT", () => void close("SIGINT"));
  // Jobs a previous run left unfinished (stopped, or killed) carry on.
  await services.jobs.start();
  await app.listen({ port: config.port, host: config.host });
  if (runsEmbedded(config))
    // Downloads (with its progress) and loads the model now, not at the first request; /ready tells how far.
    services.endpoint.info().catch((error: unknown) => {
      logger.error({ err: error }, "the embedded model is not available");
    });
  logger.info(
    {
      endpoint: modelServerName(config),
      server: config.serverKind,
      profiles: services.profiles.list().map((p) => p.name),
    },
    "Palimpsest is ready",
  );
}
