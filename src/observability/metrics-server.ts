/**
 * GET /metrics of a process that serves no API (`palimpsest worker`), on METRICS_PORT: the API's own
 * route, host check, access control and errors, with nothing else beside them, so a worker's model calls
 * and documents can be scraped as the API's are.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { registerErrorHandling } from "../api/error-handler.js";
import { checkHost } from "../api/plugins/allowed-hosts.js";
import { authentication } from "../api/plugins/authentication.js";
import { Authenticator } from "../auth/authenticator.js";
import { startupMode } from "../auth/mode.js";
import type { Services } from "../services.js";
import { metricsRoute } from "./metrics-route.js";
import { echoRequestId, requestIdOptions } from "./request-id.js";

/** Listens on HOST:`port`; the caller closes the answer when the process stops. */
export async function serveMetrics(services: Services, port: number): Promise<FastifyInstance> {
  const { config, store, logger } = services;
  // AUTH=auto on a non-loopback HOST without a key refuses to start, as the API does (ConfigError).
  const authenticator = new Authenticator(store, config, startupMode(config, await store.hasKeys()));
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, ...requestIdOptions() });
  echoRequestId(app);
  registerErrorHandling(app, config.maxUploadBytes);
  checkHost(app, config);
  await app.register(async (scope) => {
    await authentication(scope, authenticator, config.corsOrigins);
    await metricsRoute(scope, services.metrics);
  });
  await app.listen({ port, host: config.host });
  return app;
}
