/**
 * The HTTP application as a function of its services, with no listening socket: tests drive it
 * with inject(), server.ts makes it listen.
 */
import multipart from "@fastify/multipart";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { batchRoutes } from "./api/batches.js";
import { limitConnectionsPerClient } from "./api/client-connections.js";
import { closeStrayConnections } from "./api/connections.js";
import { registerDocs } from "./api/docs.js";
import { documentPageRoutes } from "./api/document-pages.js";
import { documentRoutes } from "./api/documents.js";
import { registerErrorHandling } from "./api/error-handler.js";
import { extractRoutes } from "./api/extract.js";
import { healthRoutes } from "./api/health.js";
import { iiifRoutes } from "./api/iiif.js";
import { jobRoutes } from "./api/jobs.js";
import { limitJsonBodies } from "./api/json-body.js";
import { announceOpenMode } from "./api/open-mode.js";
import { checkHost } from "./api/plugins/allowed-hosts.js";
import { authentication } from "./api/plugins/authentication.js";
import { corsOrigins } from "./api/plugins/cors.js";
import { keyRateLimit } from "./api/plugins/rate-limit.js";
import { securityHeaders } from "./api/plugins/security-headers.js";
import { reviewRoutes } from "./api/review.js";
import { schemaRoutes } from "./api/schemas.js";
import { sessionRoutes } from "./api/session.js";
import { cutSlowBodies } from "./api/slow-bodies.js";
import { limitUploadsInFlight } from "./api/uploads-in-flight.js";
import { usageRoutes } from "./api/usage.js";
import { webRoutes } from "./api/web.js";
import { Authenticator } from "./auth/authenticator.js";
import { startupMode } from "./auth/mode.js";
import { EventLoopWatchdog } from "./event-loop-watchdog.js";
import { observeHttp } from "./observability/http-metrics.js";
import { metricsRoute } from "./observability/metrics-route.js";
import { echoRequestId, requestIdOptions } from "./observability/request-id.js";
import { packageVersion } from "./package-info.js";
import type { Services } from "./services.js";

export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  // Before anything listens: AUTH=auto refuses to serve a non-loopback HOST without a key (ConfigError).
  const mode = startupMode(config, await services.store.hasKeys());
  if (mode === "open") announceOpenMode(services.logger, config);
  const authenticator = new Authenticator(services.store, config, mode);
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps plugins typed with fastify's default logger type.
    loggerInstance: services.logger as FastifyBaseLogger,
    bodyLimit: config.maxUploadBytes,
    // The caller's X-Request-Id when sane, else a new one: in every log line of the request.
    ...requestIdOptions(),
    requestTimeout: config.documentTimeoutMs + 60_000,
    // Headers that trickle (slowloris) are cut by Node, which looks for them this often (default: 30 s).
    http: {
      headersTimeout: config.bodyTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.bodyTimeoutMs),
    },
  });
  echoRequestId(app);
  if (config.metrics) observeHttp(app, services.metrics);
  registerErrorHandling(app, config.maxUploadBytes);
  limitJsonBodies(app, config.jsonMaxBytes);
  closeStrayConnections(app, config.shutdownGraceMs);
  limitConnectionsPerClient(app.server, config.maxConnectionsPerClient, services.logger);
  cutSlowBodies(app.server, config.bodyTimeoutMs, services.logger);
  // Before every route: headers, Host and origins apply to the API, the review page and /docs alike.
  await securityHeaders(app);
  checkHost(app, config);
  await corsOrigins(app, config);
  // Of the text fields (profile, language, a custom schema...), a schema is the largest.
  await app.register(multipart, {
    limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, fieldSize: config.schemaMaxBytes },
  });
  await registerDocs(app, packageVersion());
  await webRoutes(app);
  const watchdog = new EventLoopWatchdog(services.logger, config.eventLoopWarnMs);
  app.addHook("onReady", async () => watchdog.start());
  app.addHook("onClose", async () => watchdog.stop());
  await app.register(async (scope) => healthRoutes(scope, services, authenticator, watchdog));
  // Everything under /v1: each route declares the role it needs (plugins/authentication.ts).
  await app.register(async (scope) => {
    await authentication(scope, authenticator, config.corsOrigins);
    await keyRateLimit(scope, config);
    // After authentication: a request refused for its key never takes a share of the uploads in flight.
    limitUploadsInFlight(scope, config);
    await sessionRoutes(scope, authenticator, config);
    await usageRoutes(scope, services);
    await schemaRoutes(scope, services);
    await extractRoutes(scope, services);
    await documentRoutes(scope, services);
    await documentPageRoutes(scope, services);
    await reviewRoutes(scope, services);
    await iiifRoutes(scope, services);
    await jobRoutes(scope, services);
    await batchRoutes(scope, services);
    // An admin's, as the /v1 routes are guarded (observability/metrics-route.ts).
    if (config.metrics) await metricsRoute(scope, services.metrics);
  });
  return app;
}
