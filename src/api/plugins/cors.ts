/**
 * Cross-origin calls from the pages of CORS_ORIGINS, and from no other (@fastify/cors). Without the
 * setting nothing is registered: browsers keep other sites' pages from reading any answer. Credentials
 * (the review page's cookie) are never allowed across origins: another site's page uses an API key.
 */
import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config.js";

export async function corsOrigins(app: FastifyInstance, config: Pick<Config, "corsOrigins">): Promise<void> {
  if (config.corsOrigins === undefined || config.corsOrigins.length === 0) return;
  await app.register(cors, {
    origin: config.corsOrigins,
    credentials: false,
    methods: ["GET", "HEAD", "POST", "DELETE"],
    // What a client needs of a 202 (where to follow the job) and of a 429 or 503 (when to come back).
    exposedHeaders: ["Location", "Retry-After"],
    maxAge: 600,
  });
}
