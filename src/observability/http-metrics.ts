/** HTTP requests for /metrics: counted and timed by route pattern (`/v1/jobs/:id`), never by URL. */
import type { FastifyInstance } from "fastify";
import type { Metrics } from "./metrics.js";

/** The route label of requests that matched no route (404s, scans): one series for all of them. */
export const UNMATCHED_ROUTE = "unmatched";

export function observeHttp(app: FastifyInstance, metrics: Pick<Metrics, "httpRequest">): void {
  app.addHook("onResponse", async (request, reply) => {
    // A 404's routeOptions.url is undefined, or the not-found handler's wildcard.
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}
