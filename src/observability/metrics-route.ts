/**
 * GET /metrics: Prometheus' text exposition. It says how busy the whole service is (every tenant's
 * work), so it is an admin's, as deleting is: a scraper sends an admin key as a bearer token; in open
 * mode (loopback, no key yet, or AUTH=off) it answers anyone, like every other route.
 */
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { Metrics } from "./metrics.js";

export async function metricsRoute(
  app: FastifyInstance,
  metrics: Pick<Metrics, "exposition">,
): Promise<void> {
  app.get(
    "/metrics",
    {
      config: { access: "admin" },
      schema: {
        operationId: "getMetrics",
        tags: ["health"],
        summary: "Prometheus metrics: requests, model calls, documents, queue depth, OCR, cache, process",
        description:
          "Text exposition format 0.0.4. Needs an admin key (Authorization: Bearer), or none in open mode. Off with METRICS=off.",
        response: {
          200: {
            description: "The metrics, in Prometheus' text exposition format.",
            content: { "text/plain": { schema: Type.String() } },
          },
        },
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await metrics.exposition();
      return reply.type(contentType).send(body);
    },
  );
}
