/** GET /v1/usage: the caller's quotas and what it has used of them (see auth/quotas.ts). */
import type { FastifyInstance } from "fastify";
import { usageOf } from "../auth/quotas.js";
import type { Services } from "../services.js";
import { caller } from "./plugins/authentication.js";

export async function usageRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get(
    "/v1/usage",
    {
      config: { access: "reader" },
      schema: {
        tags: ["session"],
        summary:
          "The key's quotas and usage: requests per minute, jobs at once, stored bytes, OCR pages today",
        description: "A limit of 0 means none (as in open mode, where no key is used).",
      },
    },
    async (request) => usageOf(services.store, services.config, caller(request)),
  );
}
