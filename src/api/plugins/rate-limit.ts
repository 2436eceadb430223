/**
 * RATE_LIMIT_PER_MINUTE per API key (@fastify/rate-limit, counted in this process), for the routes
 * registered after it in the same group; requests without a key (open mode) are not counted.
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config.js";
import { PalimpsestError } from "../../errors.js";

export async function keyRateLimit(scope: FastifyInstance, config: Pick<Config, "rateLimitPerMinute">) {
  if (config.rateLimitPerMinute === 0) return;
  await scope.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // Route-level onRequest hooks run after the authentication hook of the group: the key is known.
    hook: "onRequest",
    allowList: (request) => request.principal?.keyId === undefined,
    keyGenerator: (request) => request.principal?.keyId ?? "",
    errorResponseBuilder: (_request, context) =>
      new PalimpsestError(
        "RATE_LIMITED",
        `This key made more than ${context.max} requests in a minute (RATE_LIMIT_PER_MINUTE); go on in ${context.after}.`,
        { details: { limit: context.max, retryAfter: Math.ceil(context.ttl / 1000) } },
      ),
  });
}
